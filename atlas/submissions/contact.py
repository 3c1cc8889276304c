"""“Contact the team”: relay a message to a tool's organisation without revealing its address.

Neither the message nor the sender's address is stored or logged: they exist only in the mail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from atlas.accounts.models import Membership
from atlas.catalogue.models import Tool
from atlas.submissions.models import OrganisationContact


def tool_contact_addresses(*, tool: Tool) -> list[str]:
    """The owners' contact addresses (else any role's), then their organisation editors'."""
    roles = list(tool.roles.all())
    owners = [r.organisation_id for r in roles if r.role == "owner"] or [
        r.organisation_id for r in roles]
    addresses = list(OrganisationContact.objects.filter(organisation_id__in=owners)
                     .values_list("email", flat=True))
    if not addresses:
        addresses = [e for e in Membership.objects.filter(organisation_id__in=owners)
                     .values_list("user__email", flat=True) if e]
    return sorted(set(addresses))


def contact_relay(*, tool: Tool, sender_name: str, sender_email: str, message: str) -> bool:
    """Send the message to the tool's organisation; False if the Atlas knows no address."""
    addresses = tool_contact_addresses(tool=tool)
    if not addresses:
        return False
    name = " ".join(tool.name.split())  # no line breaks in a mail header
    body = (f"{sender_name} <{sender_email}> wrote about {name} through the Anti-Trafficking "
            f"Tech Atlas. Reply to this mail to answer them.\n\n{message}\n")
    mail = EmailMessage(subject=f"[Atlas] A message about {name}"[:200], body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=addresses[:1],
                        bcc=addresses[1:], reply_to=[sender_email])
    mail.send()
    return True
