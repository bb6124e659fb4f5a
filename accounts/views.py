from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import NotificationForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request):
    """Each person chooses how they hear about new signals and supplements."""
    form = NotificationForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your choice has been saved."))
            return redirect("accounts:notifications")
        return render(request, "accounts/notifications.html", {"form": form}, status=400)
    return render(request, "accounts/notifications.html", {"form": form})
