from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from prodep.accounts.timezones import clock_text

from . import services
from .forms import AnswerForm
from .models import Reflection


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def save_answer(request, prompt_key):
    """Autosave (JSON) and the plain form post (redirect back to the prompt) share this view."""
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise services.AnswerError(
                " ".join(str(e) for errs in form.errors.values() for e in errs)
            )
        result = services.save_answer(
            request.user, prompt_key, form.cleaned_data["text"], form.cleaned_data["version"]
        )
    except services.AnswerError as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": str(error)}, status=400)
        # Without JavaScript: show the text back with the message, so nothing typed is lost.
        context = {
            "error": str(error),
            "text": request.POST.get("text", ""),
            "prompt_key": prompt_key,
        }
        return render(request, "journal/answer_error.html", context, status=400)
    reflection = result.reflection
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "version": reflection.version,
                "saved_at": reflection.updated_at.isoformat(),
                # In the reader's zone, as the page shows it after a reload.
                "saved_at_label": clock_text(reflection.updated_at),
                "conflict": result.conflict,
            }
        )
    if result.conflict:
        messages.warning(
            request,
            "This answer had also been changed in another tab or on another "
            "device. Your latest text is the one saved now.",
        )
    else:
        messages.success(request, "Your answer was saved.")
    lesson = reflection.prompt.lesson
    return redirect(f"{lesson.get_absolute_url()}#reflection-{prompt_key}")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    reflection = get_object_or_404(
        Reflection.objects.for_owner(request.user).select_related("prompt__lesson__module"), pk=pk
    )
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.update_reflection(reflection, form.cleaned_data["text"])
            except services.AnswerError as error:  # pragma: no cover - the form has the limits
                form.add_error("text", str(error))
            else:
                messages.success(request, "Your answer was saved.")
                return redirect(services.journal_url(request.user, reflection))
    else:
        form = AnswerForm(initial={"text": reflection.text, "version": reflection.version})
    back = services.journal_url(request.user, reflection)
    return render(
        request, "journal/edit.html", {"reflection": reflection, "form": form, "back": back}
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    reflection = get_object_or_404(
        Reflection.objects.for_owner(request.user).select_related("prompt__lesson"), pk=pk
    )
    if request.method == "POST":
        page = services.journal_url(request.user, reflection, scroll=False)
        reflection.delete()
        messages.success(request, "Your answer was deleted.")
        return redirect(page)
    back = services.journal_url(request.user, reflection)
    return render(request, "journal/delete.html", {"reflection": reflection, "back": back})
