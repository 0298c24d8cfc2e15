"""python -m responsibilities.sso.demo_idp --port 8001 --data-dir var/demo_idp --config FILE

The config (JSON) lists the clients and people to create:
{"clients": [{"client_id", "client_secret", "redirect_uris": [...],
              "post_logout_redirect_uris": [...]}],
 "users": [{"username", "password", "email", "first_name", "last_name", "groups": [...]}]}
"""

import argparse
import json
import os
import sys
from pathlib import Path


def make_key(path: Path) -> None:
    if path.exists():
        return
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def load(config: dict) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for entry in config.get("users", []):
        user, _ = User.objects.get_or_create(username=entry["username"])
        user.email = entry.get("email", "")
        user.first_name = entry.get("first_name", "")
        user.last_name = entry.get("last_name", "")
        user.set_password(entry["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in entry.get("groups", [])])
    for entry in config.get("clients", []):
        app = Application.objects.filter(client_id=entry["client_id"]).first() or Application(
            client_id=entry["client_id"]
        )
        app.name = entry.get("name", entry["client_id"])
        app.client_type = Application.CLIENT_CONFIDENTIAL
        app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        app.client_secret = entry["client_secret"]
        app.redirect_uris = " ".join(entry["redirect_uris"])
        app.post_logout_redirect_uris = " ".join(entry.get("post_logout_redirect_uris", []))
        app.algorithm = Application.RS256_ALGORITHM
        app.skip_authorization = True
        app.save()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--config", required=True, help="JSON file with clients and users")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    make_key(data_dir / "oidc-rsa.pem")
    os.environ["DEMO_IDP_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "responsibilities.sso.demo_idp.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    load(json.loads(Path(args.config).read_text()))
    sys.stdout.write(f"Demo OpenID provider at http://{args.host}:{args.port}/o\n")
    sys.stdout.flush()
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)


if __name__ == "__main__":
    main()
