"""A minimal SAML 2.0 identity provider for the tests, run as its own process:

    python tests/sso/saml_idp.py PORT

It answers an AuthnRequest (HTTP-Redirect binding) with a Response whose assertion it signs
with python3-saml (xmlsec), posted back by a form (HTTP-POST binding). POST /control with JSON
sets who signs in and which fault to make: bad_signature, wrong_audience, expired, unsigned.
"""

import base64
import datetime
import html
import json
import secrets
import sys
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


def make_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-idp")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


KEY, CERT = make_certificate()
# Fresh per run: the product caches IdP metadata by entity id, so a new key never meets old ones.
RUN = secrets.token_hex(6)
STATE = {"user": None, "fault": None}


def instant(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cert_body():
    return "".join(CERT.strip().splitlines()[1:-1])


def attribute(name, values):
    inner = "".join(f"<saml:AttributeValue>{html.escape(v)}</saml:AttributeValue>" for v in values)
    return f'<saml:Attribute Name="{name}">{inner}</saml:Attribute>'


def build_response(entity_id, request_id, acs_url, audience):
    user, fault = STATE["user"] or {}, STATE["fault"]
    now = datetime.datetime.now(datetime.UTC)
    if fault == "expired":
        now -= datetime.timedelta(hours=2)
    not_after = instant(now + datetime.timedelta(minutes=5))
    if fault == "wrong_audience":
        audience = "https://en-annan-tjanst.example.se/saml/metadata/"
    attributes = attribute("urn:oid:0.9.2342.19200300.100.1.3", [user.get("email", "")])
    attributes += attribute("urn:oid:2.5.4.42", [user.get("first_name", "")])
    attributes += attribute("urn:oid:2.5.4.4", [user.get("last_name", "")])
    attributes += attribute("groups", user.get("groups", []) or [""])
    assertion = (
        f'<saml:Assertion xmlns:saml="{SAML}" ID="_a{secrets.token_hex(16)}" Version="2.0" '
        f'IssueInstant="{instant(now)}"><saml:Issuer>{entity_id}</saml:Issuer>'
        "<saml:Subject>"
        '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
        f"{html.escape(user.get('subject', ''))}</saml:NameID>"
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData NotOnOrAfter="{not_after}" Recipient="{acs_url}" '
        f'InResponseTo="{request_id}"/></saml:SubjectConfirmation></saml:Subject>'
        f'<saml:Conditions NotBefore="{instant(now - datetime.timedelta(minutes=1))}" '
        f'NotOnOrAfter="{not_after}"><saml:AudienceRestriction>'
        f"<saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
        f'<saml:AuthnStatement AuthnInstant="{instant(now)}" '
        f'SessionIndex="_s{secrets.token_hex(8)}">'
        "<saml:AuthnContext><saml:AuthnContextClassRef>"
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        f"<saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"
    )
    if fault != "unsigned":
        assertion = OneLogin_Saml2_Utils.add_sign(
            assertion, KEY, CERT, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
        ).decode()
        assertion = assertion.replace('<?xml version="1.0"?>', "").strip()
    if fault == "bad_signature":
        # Changed after signing: someone edited the e-mail address on the way.
        assertion = assertion.replace(user.get("email", ""), "chefen@ale.se")
    return (
        f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r{secrets.token_hex(16)}" '
        f'Version="2.0" IssueInstant="{instant(now)}" Destination="{acs_url}" '
        f'InResponseTo="{request_id}"><saml:Issuer>{entity_id}</saml:Issuer>'
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        f"</samlp:Status>{assertion}</samlp:Response>"
    )


class Handler(BaseHTTPRequestHandler):
    def entity_id(self):
        return f"http://{self.headers['Host']}/{RUN}/metadata"

    def send(self, status, body, content_type="text/html; charset=utf-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == f"/{RUN}/metadata" or url.path == "/metadata":
            return self.send(200, self.metadata(), "application/samlmetadata+xml")
        if url.path == "/entity-id":
            return self.send(200, self.entity_id(), "text/plain")
        if url.path == "/sso":
            return self.sso(parse_qs(url.query))
        return self.send(404, "not found", "text/plain")

    def do_POST(self):
        if self.path == "/control":
            length = int(self.headers.get("Content-Length", 0))
            STATE.update(json.loads(self.rfile.read(length) or b"{}"))
            return self.send(200, "ok", "text/plain")
        return self.send(404, "not found", "text/plain")

    def metadata(self):
        return (
            '<?xml version="1.0"?>'
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'entityID="{self.entity_id()}"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
            f"<ds:X509Data><ds:X509Certificate>{cert_body()}</ds:X509Certificate></ds:X509Data>"
            "</ds:KeyInfo></md:KeyDescriptor>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="http://{self.headers["Host"]}/sso"/></md:IDPSSODescriptor>'
            "</md:EntityDescriptor>"
        )

    def sso(self, query):
        raw = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
        request = ElementTree.fromstring(raw)
        issuer = request.find(f"{{{SAML}}}Issuer").text
        acs_url = request.get("AssertionConsumerServiceURL")
        response = build_response(self.entity_id(), request.get("ID"), acs_url, issuer)
        encoded = base64.b64encode(response.encode()).decode()
        relay = html.escape(query.get("RelayState", [""])[0])
        page = (
            '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Test-IdP</title>'
            f'</head><body><main><h1>Test-IdP</h1><form method="post" action="{acs_url}">'
            f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
            f'<input type="hidden" name="RelayState" value="{relay}">'
            "<button type=submit>Fortsätt</button></form></main></body></html>"
        )
        return self.send(200, page)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    sys.stdout.write(f"ready {port}\n")
    sys.stdout.flush()
    server.serve_forever()
