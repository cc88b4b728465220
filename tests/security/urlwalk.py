"""Walk the whole URLconf and fill each route's parameters with ids of real records, for sweeps.

An integer parameter named `<thing>_id` (or `key`) is filled with primary keys of the models of the route's
app whose name ends with `<thing>` (meeting_id -> Meeting, entry_id -> PanelEntry, action_id -> Action); a
string parameter with the `reference` values of that app's models (case references for casework and audit).
"""

import itertools
import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

DOMAIN_APPS = ("casework", "enforcement", "marac", "triggers", "reports", "audit", "people")
# URL namespaces whose records are casework's models (the person and place index lives in casework).
CASEWORK_NAMESPACES = ("audit", "api", "", "people")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Route:
    route: str
    name: str
    namespace: str
    params: list[tuple[str, str]]  # (converter, name)

    @property
    def view_name(self) -> str:
        return f"{self.namespace}:{self.name}" if self.namespace else self.name

    @property
    def public(self) -> bool:
        return self.name.startswith("public") or "public/" in self.route


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                params = [(m["converter"] or "str", m["name"]) for m in PARAM.finditer(route)]
                found.append(Route(route, entry.name, namespace, params))

    walk(get_resolver().url_patterns)
    return found


def _app_models(app_label: str):
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return []
    return [m for m in config.get_models() if not m.__name__.startswith("Historical")]


def _models_for(namespace: str, param: str):
    app_label = "casework" if namespace in CASEWORK_NAMESPACES else namespace
    thing = param.removesuffix("_id").replace("_", "").lower()
    models = _app_models(app_label)
    if namespace == "audit":
        models = [apps.get_model("casework", "Case"), apps.get_model("casework", "Person"), *models]
    exact = [m for m in models if m.__name__.lower() == thing]
    return exact or [m for m in models if m.__name__.lower().endswith(thing)]


def candidates(route: Route, param: tuple[str, str], *, limit: int = 3) -> list:
    converter, name = param
    app_label = "casework" if route.namespace in CASEWORK_NAMESPACES else route.namespace
    if name == "postcode":  # the place page: postcodes of real addresses, compact as the links write them
        postcodes = apps.get_model("casework", "Address").objects.order_by("pk").values_list("postcode", flat=True)
        return [p.replace(" ", "") for p in postcodes[:limit]] or ["NW95XX"]
    if converter == "int":
        values = []
        for model in _models_for(route.namespace, name):
            values += list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:limit])
        return values[:limit] or [1, 2]
    values = []
    for model in _app_models(app_label) or _app_models("casework"):
        if any(f.name == "reference" for f in model._meta.get_fields()):
            values += list(model._default_manager.order_by("pk").values_list("reference", flat=True)[:limit])
    if not values:
        values = list(apps.get_model("casework", "Case").objects.values_list("reference", flat=True)[:limit])
    return values[:limit] or ["x"]


def filled(route: Route, *, limit: int = 3, overrides: dict | None = None) -> list[str]:
    """Concrete URLs for a route: every combination of candidate values for its parameters (capped)."""
    overrides = overrides or {}
    choices = [overrides.get(p[1]) or candidates(route, p, limit=limit) for p in route.params]
    urls = []
    for combo in itertools.islice(itertools.product(*choices), limit * limit):
        url = route.route
        for (_converter, name), value in zip(route.params, combo, strict=True):
            url = re.sub(rf"<(?:[^>:]+:)?{re.escape(name)}>", str(value), url, count=1)
        urls.append("/" + url.lstrip("^").rstrip("$"))
    return urls


# --- Django admin -------------------------------------------------------------------------------------------

# Models the admin site may show: accounts, agencies and reference data. Anything else (a case, anything
# hanging off a case, anything holding a case's personal data) must not be reachable through /admin/ at all.
ADMIN_ALLOWED = {
    "auth.user",
    "auth.group",
    "casework.agency",
    "casework.membership",
    "casework.ward",
    "casework.rolesecuritypolicy",
    "enforcement.offencecode",
    "enforcement.publicspacesprotectionorder",
    "otp_totp.totpdevice",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "notifications.agencymailbox",
    "notifications.notificationpreference",
    "statutory.commencement",
    "casework.signpostingdecision",  # the partnership board's decision, not case data (decision 0016)
}
ADMIN_APPS = (*DOMAIN_APPS, "auth", "otp_totp", "axes")


def admin_urls(*, limit: int = 2) -> list[tuple[str, str]]:
    """(model label, URL) for every admin page a model could have, filled with real primary keys and
    history ids: whether or not the model is registered, so an unregistered model is proved unreachable."""
    urls = []
    for label in ADMIN_APPS:
        for model in _app_models(label):
            opts = model._meta
            if not opts.managed:
                continue  # database views (reports): no table of their own, no admin
            base = f"/admin/{opts.app_label}/{opts.model_name}/"
            urls += [(opts.label_lower, base), (opts.label_lower, base + "add/")]
            history = getattr(model, "history", None)
            for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:limit]:
                for suffix in ("change/", "history/", "delete/", "config/", "qrcode/", "password/"):
                    urls.append((opts.label_lower, f"{base}{pk}/{suffix}"))
                if history is not None and hasattr(history, "filter"):
                    versions = history.filter(**{opts.pk.attname: pk}).values_list("history_id", flat=True)
                    for history_id in versions[:limit]:
                        urls.append((opts.label_lower, f"{base}{pk}/history/{history_id}/"))
    return urls
