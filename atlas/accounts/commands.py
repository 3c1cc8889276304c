"""`atlas accounts ...`: staff accounts in their roles, second-factor enrolment, unlocking."""

from __future__ import annotations

import getpass
import sys


def register(sub):
    p = sub.add_parser("accounts", help="create staff accounts (curator, organisation editor, "
                                        "administrator), enrol a second factor, unlock")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = actions.add_parser("create", help="create an account in a role (curators and "
                                          "administrators get a TOTP second factor)")
    c.add_argument("username")
    c.add_argument("--role", choices=["curators", "organisation-editors", "administrators"],
                   default="curators")
    c.add_argument("--email", default="")
    c.add_argument("--organisation", action="append", default=[], metavar="SLUG",
                   help="organisation an editor works for (repeatable)")
    c.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    c.set_defaults(func=cmd_create)
    t = actions.add_parser("totp", help="give an account a new TOTP second factor (replaces the old one)")
    t.add_argument("username")
    t.set_defaults(func=cmd_totp)
    u = actions.add_parser("unlock", help="clear the sign-in lock of an account after failed attempts")
    u.add_argument("username")
    u.set_defaults(func=cmd_unlock)


def read_password(password_stdin: bool) -> str | None:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password (12+ characters): ")
    if password != getpass.getpass("Password again: "):
        print("error: the passwords differ", file=sys.stderr)
        return None
    return password


def print_enrolment(device, out=None) -> None:
    """The otpauth:// URI and a terminal QR code to scan with an authenticator app."""
    import qrcode

    out = out or sys.stdout  # looked up at call time, so redirected output is honoured

    print("Second factor: scan this QR code with an authenticator app (FreeOTP, Aegis, "
          "Google Authenticator...), or enter the URI below by hand. It is shown only once.",
          file=out)
    qr = qrcode.QRCode(border=2)
    qr.add_data(device.config_url)
    qr.make(fit=True)
    qr.print_ascii(out=out, invert=True)
    print(device.config_url, file=out)


def cmd_create(args) -> int:
    from django.core.exceptions import ValidationError

    from atlas.accounts.services import SECOND_FACTOR_ROLES, account_create, totp_enrol
    from atlas.catalogue.models import Organisation

    organisations = list(Organisation.objects.filter(slug__in=args.organisation))
    missing = set(args.organisation) - {o.slug for o in organisations}
    if missing:
        print(f"error: no organisation with slug {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    password = read_password(args.password_stdin)
    if password is None:
        return 2
    try:
        user = account_create(username=args.username, email=args.email, password=password,
                              role=args.role, organisations=organisations)
    except ValidationError as exc:
        for message in exc.messages:
            print(f"error: {message}", file=sys.stderr)
        return 2
    print(f"Account {user.username!r} created in {args.role}.")
    if args.role in SECOND_FACTOR_ROLES:
        print_enrolment(totp_enrol(user=user))
    return 0


def cmd_totp(args) -> int:
    from django.contrib.auth import get_user_model

    from atlas.accounts.services import totp_enrol
    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"error: no account named {args.username!r}", file=sys.stderr)
        return 2
    print_enrolment(totp_enrol(user=user))
    return 0


def cmd_unlock(args) -> int:
    from atlas.accounts.services import login_unlock
    login_unlock(username=args.username)
    print(f"Sign-in lock cleared for {args.username!r}.")
    return 0
