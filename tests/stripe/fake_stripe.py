#!/usr/bin/env python3
"""fake_stripe.py -- a TEST DOUBLE for the Stripe endpoints that localstripe lacks.

Why: the billing tests run AutoTrack against localstripe (PyPI `localstripe`), a
stateful fake of the Stripe API. localstripe has customers, subscriptions,
invoices, payment methods, plans and /v1/balance, but no Checkout Sessions,
no Billing Portal sessions and no Prices: those paths answer 404. AutoTrack
needs all three (checkout, portal, plans priced by `price_...` ids), so this
small server answers them itself and forwards everything else to localstripe.
It is not a Stripe emulator: it speaks the documented JSON shapes of those
objects well enough for a client library to parse them, and nothing more.

What it does
  * serves POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id},
    POST /v1/billing_portal/sessions, POST/GET /v1/prices and
    GET/POST /v1/prices/{id} from memory (form-encoded bodies with bracket keys,
    Stripe-style error JSON, ids cs_test_..., bps_..., price_...);
  * a recurring price is also created in localstripe as a *plan with the same
    id*, since localstripe subscriptions only know plans: afterwards
    `items[0][plan]=price_...` works there;
  * forwards every other path (method, headers, body, query) to the localstripe
    base URL given by --localstripe and relays the answer unchanged;
  * records every request (method, path, query, headers incl. Idempotency-Key,
    parsed form) and lists them at GET /_fake/requests;
  * POST /_fake/fail makes the next N calls of a path answer a given Stripe error
    JSON with a given HTTP status (optionally after a delay, to test timeouts);
  * replays the first answer to an Idempotency-Key for POSTs, as Stripe does
    (same key, other parameters: 400 idempotency_error). localstripe itself
    ignores the header.
  * --compat-subscriptions (off by default): on POST /v1/subscriptions[/{id}]
    rewrites `items[N][price]` to `items[N][plan]` and drops
    `proration_behavior` / `payment_behavior` values localstripe cannot take
    (it crashes with a text/plain 500 on them, and silently ignores
    items[N][price] on update). The request is recorded as the client sent it.

Control endpoints (never forwarded)
  GET    /_fake/requests[?method=POST&path=/v1/customers]  -> {"requests": [...]}
  DELETE /_fake/requests                                   -> clears the record
  POST   /_fake/fail   JSON {"path": "/v1/checkout/sessions" (fnmatch pattern),
                             "method": "POST" (optional), "count": 1,
                             "status": 402, "error": {...Stripe error object...},
                             "delay": 0.0 (seconds, optional)}
  DELETE /_fake/fail                                       -> removes all rules
  POST   /_fake/checkout/sessions/{id}/complete  JSON {"subscription": "sub_...",
         "payment_status": "paid"}  -> marks a session complete (for tests)
  POST   /_fake/reset                                      -> forgets everything

Usage
  python3 fake_stripe.py --port 0 --localstripe http://127.0.0.1:8420
  prints "ready <port>" on stdout once listening on 127.0.0.1.

Python 3.11, standard library + aiohttp (localstripe already depends on it).
"""

import argparse
import asyncio
import base64
import fnmatch
import json
import re
import secrets
import string
import sys
import time
import urllib.parse

from aiohttp import ClientError, ClientSession, ClientTimeout, web

# ---------------------------------------------------------------------------
# helpers

ALNUM = string.ascii_letters + string.digits

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
    "content-length", "content-encoding",
}

# Locales accepted by Checkout (Stripe API reference, checkout.sessions.create).
CHECKOUT_LOCALES = {
    "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et",
    "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv",
    "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv",
    "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
}

# Top-level parameters this double knows for each endpoint it serves; any other
# parameter is refused the way Stripe refuses it ("Received unknown parameter").
CHECKOUT_PARAMS = {
    "adaptive_pricing", "after_expiration", "allow_promotion_codes",
    "automatic_tax", "billing_address_collection", "branding_settings",
    "cancel_url", "client_reference_id", "consent_collection", "currency",
    "custom_fields", "custom_text", "customer", "customer_account",
    "customer_creation", "customer_email", "customer_update", "discounts",
    "excluded_payment_method_types", "expand", "expires_at",
    "integration_identifier", "invoice_creation", "line_items", "locale",
    "managed_payments", "metadata", "mode", "name_collection", "optional_items",
    "origin_context", "payment_intent_data", "payment_method_collection",
    "payment_method_configuration", "payment_method_data",
    "payment_method_options", "payment_method_types", "permissions",
    "phone_number_collection", "redirect_on_completion", "return_url",
    "saved_payment_method_options", "setup_intent_data",
    "shipping_address_collection", "shipping_options", "submit_type",
    "subscription_data", "success_url", "tax_id_collection", "ui_mode",
    "wallet_options",
}
PORTAL_PARAMS = {"configuration", "customer", "customer_account", "expand",
                 "flow_data", "locale", "on_behalf_of", "return_url"}
PRICE_PARAMS = {"active", "billing_scheme", "currency", "currency_options",
                "custom_unit_amount", "expand", "lookup_key", "metadata",
                "nickname", "product", "product_data", "recurring",
                "tax_behavior", "tiers", "tiers_mode", "transfer_lookup_key",
                "transform_quantity", "unit_amount", "unit_amount_decimal"}
PRICE_UPDATE_PARAMS = {"active", "currency_options", "expand", "lookup_key",
                       "metadata", "nickname", "tax_behavior",
                       "transfer_lookup_key"}


def new_id(prefix, n):
    return prefix + "".join(secrets.choice(ALNUM) for _ in range(n))


def now():
    return int(time.time())


class StripeError(Exception):
    """An error answered the way Stripe answers it: {"error": {...}}."""

    def __init__(self, status, message, type_="invalid_request_error",
                 code=None, param=None):
        super().__init__(message)
        self.status = status
        self.body = {"type": type_, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = "https://stripe.com/docs/error-codes/" + \
                code.replace("_", "-")
        if param:
            self.body["param"] = param


def missing(kind, value, param):
    return StripeError(404, "No such %s: '%s'" % (kind, value),
                       code="resource_missing", param=param)


def parse_form(pairs):
    """Turn Stripe's bracket keys into nested dicts and lists.

    `line_items[0][price]=p` -> {"line_items": [{"price": "p"}]},
    `metadata[user_id]=7` -> {"metadata": {"user_id": "7"}},
    `expand[]=a&expand[]=b` -> {"expand": ["a", "b"]}.
    A dict whose keys are all decimal indices becomes a list (by index order).
    """
    root = {}
    for key, value in pairs:
        m = re.match(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$", key)
        if not m:
            root[key] = value
            continue
        parts = [m.group(1)] + re.findall(r"\[([^\[\]]*)\]", m.group(2))
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":  # `a[]` appends
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child

    def listify(node):
        if not isinstance(node, dict):
            return node
        node = {k: listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
        return node

    return listify(root)


def flatten_form(data, prefix=""):
    """The inverse of parse_form: nested data -> list of (bracket key, value)."""
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(flatten_form(v, "%s[%s]" % (prefix, k) if prefix else k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(flatten_form(v, "%s[%d]" % (prefix, i)))
    else:
        out.append((prefix, data))
    return out


def api_key(headers):
    auth = headers.get("Authorization", "")
    scheme, _, cred = auth.partition(" ")
    if scheme == "Bearer":
        key = cred.strip()
    elif scheme == "Basic":
        try:
            key = base64.b64decode(cred).decode().split(":")[0]
        except ValueError:
            return None
    else:
        return None
    if re.match(r"^(sk|rk)_(test|live)_\w+$", key):
        return key
    return None


def as_int(value, param, minimum=None):
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise StripeError(400, "Invalid integer: %s" % value, param=param)
    if minimum is not None and n < minimum:
        raise StripeError(400, "This value must be greater than or equal to "
                          "%d." % minimum, param=param)
    return n


def as_bool(value, param):
    if value in (True, "true"):
        return True
    if value in (False, "false"):
        return False
    raise StripeError(400, "Invalid boolean: %s" % value, param=param)


def as_metadata(value, param):
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or not all(
            isinstance(v, str) for v in value.values()):
        raise StripeError(400, "Invalid hash", param=param)
    return dict(value)


def refuse_unknown(params, allowed):
    for key in params:
        if key not in allowed:
            raise StripeError(400, "Received unknown parameter: %s" % key,
                              code="parameter_unknown", param=key)


# ---------------------------------------------------------------------------
# the server

class FakeStripe:
    def __init__(self, localstripe, compat_subscriptions):
        self.upstream = localstripe.rstrip("/") if localstripe else None
        self.compat = compat_subscriptions
        self.http = None
        self.reset()

    def reset(self):
        self.requests = []
        self.fail_rules = []
        self.prices = {}          # id -> price object, in creation order
        self.sessions = {}        # id -> checkout session
        self.portal_sessions = {}
        self.idempotency = {}     # key -> (signature, status, headers, body)

    # -- upstream ----------------------------------------------------------

    async def upstream_call(self, method, path, headers, body=b"",
                            query=""):
        url = self.upstream + path + (("?" + query) if query else "")
        fwd = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
        async with self.http.request(method, url, headers=fwd, data=body,
                                     allow_redirects=False) as r:
            data = await r.read()
            out = [(k, v) for k, v in r.headers.items()
                   if k.lower() not in HOP_BY_HOP]
            return r.status, out, data

    async def customer_exists(self, customer, headers):
        """Check a customer id against localstripe (when there is one)."""
        if not self.upstream:
            return True
        auth = {"Authorization": headers.get("Authorization", "")}
        try:
            status, _, _ = await self.upstream_call(
                "GET", "/v1/customers/" + urllib.parse.quote(customer), auth)
        except ClientError:
            return True  # cannot tell: do not refuse
        return status == 200

    async def plan_exists(self, plan, headers):
        if not self.upstream:
            return False
        auth = {"Authorization": headers.get("Authorization", "")}
        try:
            status, _, body = await self.upstream_call(
                "GET", "/v1/plans/" + urllib.parse.quote(plan), auth)
        except ClientError:
            return False
        if status != 200:
            return False
        try:
            return json.loads(body)
        except ValueError:
            return False

    # -- recording and failures -------------------------------------------

    def record(self, request, body, form):
        entry = {
            "seq": len(self.requests) + 1,
            "time": time.time(),
            "method": request.method,
            "path": request.path,
            "query": parse_form(list(request.query.items())),
            "headers": dict(request.headers),
            "idempotency_key": request.headers.get("Idempotency-Key"),
            "stripe_version": request.headers.get("Stripe-Version"),
            "form": form,
            "body": body.decode("utf-8", "replace"),
            "served_by": None,
            "status": None,
        }
        self.requests.append(entry)
        return entry

    def take_failure(self, method, path):
        for rule in self.fail_rules:
            if rule["remaining"] <= 0:
                continue
            if rule.get("method") and rule["method"].upper() != method:
                continue
            if not fnmatch.fnmatchcase(path, rule["path"]):
                continue
            rule["remaining"] -= 1
            return rule
        return None

    # -- dispatch ------------------------------------------------------------

    async def handle(self, request):
        if request.path.startswith("/_fake/"):
            return await self.control(request)

        body = await request.read()
        ctype = request.headers.get("Content-Type", "")
        form = None
        if body and "json" not in ctype:
            form = parse_form(urllib.parse.parse_qsl(
                body.decode("utf-8", "replace"), keep_blank_values=True))
        entry = self.record(request, body, form)
        response = await self.answer(request, body, form, entry)
        entry["status"] = response.status
        return response

    async def answer(self, request, body, form, entry):
        method, path = request.method, request.path

        rule = self.take_failure(method, path)
        if rule is not None:
            entry["served_by"] = "fail"
            if rule.get("delay"):
                await asyncio.sleep(float(rule["delay"]))
            err = rule.get("error") or {"type": "api_error",
                                        "message": "Forced failure (fake)"}
            payload = err if "error" in err else {"error": err}
            return self.json(payload, rule.get("status", 500))

        local = self.route(method, path)
        key = request.headers.get("Idempotency-Key")
        signature = (method, path, body)
        if method == "POST" and key:
            saved = self.idempotency.get(key)
            if saved is not None:
                entry["served_by"] = "idempotent-replay"
                if saved[0] != signature:
                    return self.error(StripeError(
                        400, "Keys for idempotent requests can only be used "
                        "with the same parameters they were first used with. "
                        "Try using a key other than '%s' if you meant to "
                        "execute a different request." % key,
                        type_="idempotency_error"))
                resp = web.Response(status=saved[1], body=saved[3])
                for k, v in saved[2]:
                    resp.headers.add(k, v)
                resp.headers["Idempotent-Replayed"] = "true"
                return resp

        if local is not None:
            entry["served_by"] = "fake"
            handler, match = local
            if api_key(request.headers) is None:
                resp = self.error(StripeError(
                    401, "Invalid API Key provided: %s" % (
                        request.headers.get("Authorization", "")[:14] or
                        "(none)")))
            else:
                try:
                    data = form if form is not None else {}
                    if method == "GET":
                        data = parse_form(list(request.query.items()))
                    obj, status = await handler(request, match, data)
                    resp = self.json(obj, status)
                except StripeError as e:
                    resp = self.error(e)
        elif self.upstream:
            entry["served_by"] = "localstripe"
            fwd_body = body
            if (self.compat and method == "POST" and form is not None and
                    re.match(r"^/v1/subscriptions(/[^/]+)?$", path)):
                fwd_body = self.compat_subscription_body(form)
                entry["forwarded_body"] = fwd_body.decode()
            try:
                status, headers, data = await self.upstream_call(
                    method, path, request.headers, fwd_body,
                    request.query_string)
            except (ClientError, asyncio.TimeoutError) as e:
                return self.error(StripeError(
                    502, "fake_stripe: localstripe unreachable: %s" % e,
                    type_="api_error"))
            resp = web.Response(status=status, body=data)
            for k, v in headers:
                resp.headers.add(k, v)
        else:
            entry["served_by"] = "fake"
            resp = self.error(StripeError(
                404, "Unrecognized request URL (%s: %s)." % (method, path)))

        if method == "POST" and key and resp.status < 500:
            kept = [(k, v) for k, v in resp.headers.items()
                    if k.lower() not in HOP_BY_HOP]
            self.idempotency[key] = (signature, resp.status, kept, resp.body)
        if method == "POST" and key:
            resp.headers["Idempotency-Key"] = key
        return resp

    def route(self, method, path):
        table = [
            ("POST", r"^/v1/checkout/sessions$", self.create_session),
            ("GET", r"^/v1/checkout/sessions/(?P<id>[^/]+)$", self.get_session),
            ("POST", r"^/v1/billing_portal/sessions$", self.create_portal),
            ("POST", r"^/v1/prices$", self.create_price),
            ("GET", r"^/v1/prices$", self.list_prices),
            ("GET", r"^/v1/prices/(?P<id>[^/]+)$", self.get_price),
            ("POST", r"^/v1/prices/(?P<id>[^/]+)$", self.update_price),
        ]
        for m, pattern, handler in table:
            match = re.match(pattern, path)
            if match and m == method:
                return handler, match
        return None

    @staticmethod
    def compat_subscription_body(form):
        form = json.loads(json.dumps(form))
        for item in form.get("items") or []:
            if isinstance(item, dict) and "price" in item:
                item["plan"] = item.pop("price")
        # localstripe takes only these values (create) and neither on update.
        if form.get("proration_behavior") not in ("create_prorations", "none"):
            form.pop("proration_behavior", None)
        form.pop("payment_behavior", None)
        return urllib.parse.urlencode(flatten_form(form)).encode()

    # -- responses -----------------------------------------------------------

    @staticmethod
    def json(obj, status=200):
        resp = web.Response(
            status=status, text=json.dumps(obj, indent=2, sort_keys=True),
            content_type="application/json")
        resp.headers["Request-Id"] = new_id("req_", 14)
        return resp

    def error(self, err):
        return self.json({"error": err.body}, err.status)

    # -- prices --------------------------------------------------------------

    async def create_price(self, request, match, p):
        refuse_unknown(p, PRICE_PARAMS)
        currency = p.get("currency")
        if not currency:
            raise StripeError(400, "Missing required param: currency.",
                              code="parameter_missing", param="currency")
        currency = currency.lower()
        if "unit_amount" not in p and "unit_amount_decimal" not in p:
            raise StripeError(400, "Missing required param: unit_amount.",
                              code="parameter_missing", param="unit_amount")
        unit_amount = as_int(p.get("unit_amount", 0), "unit_amount", 0) \
            if "unit_amount" in p else None
        decimal = p.get("unit_amount_decimal") or str(unit_amount)
        if unit_amount is None:
            unit_amount = int(float(decimal))
        product = p.get("product")
        product_data = p.get("product_data")
        if bool(product) == bool(product_data):
            raise StripeError(400, "You must specify either `product` or "
                              "`product_data` when creating a price.",
                              param="product")
        if product_data is not None and not (
                isinstance(product_data, dict) and product_data.get("name")):
            raise StripeError(400, "Missing required param: product_data[name].",
                              code="parameter_missing",
                              param="product_data[name]")
        recurring = None
        if p.get("recurring"):
            r = p["recurring"]
            if not isinstance(r, dict) or r.get("interval") not in (
                    "day", "week", "month", "year"):
                raise StripeError(400, "Invalid recurring[interval]",
                                  param="recurring[interval]")
            recurring = {
                "interval": r["interval"],
                "interval_count": as_int(r.get("interval_count", 1),
                                         "recurring[interval_count]", 1),
                "meter": None,
                "trial_period_days": None,
                "usage_type": r.get("usage_type", "licensed"),
            }
        price_id = new_id("price_", 24)
        product_id = product or new_id("prod_", 14)
        price = {
            "id": price_id,
            "object": "price",
            "active": as_bool(p.get("active", True), "active"),
            "billing_scheme": p.get("billing_scheme", "per_unit"),
            "created": now(),
            "currency": currency,
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": p.get("lookup_key"),
            "metadata": as_metadata(p.get("metadata"), "metadata"),
            "nickname": p.get("nickname"),
            "product": product_id,
            "recurring": recurring,
            "tax_behavior": p.get("tax_behavior", "unspecified"),
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "recurring" if recurring else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": decimal,
        }
        if recurring and self.upstream:
            # Mirror into localstripe as a plan with the same id, so that its
            # subscriptions can use this price (items[0][plan]=price_...).
            name = (product_data or {}).get("name") or p.get("nickname") or \
                price_id
            plan_form = [
                ("id", price_id), ("amount", str(unit_amount)),
                ("currency", currency), ("interval", recurring["interval"]),
                ("interval_count", str(recurring["interval_count"])),
                ("product[name]", name),
            ]
            auth = {"Authorization": request.headers.get("Authorization", ""),
                    "Content-Type": "application/x-www-form-urlencoded"}
            try:
                status, _, data = await self.upstream_call(
                    "POST", "/v1/plans", auth,
                    urllib.parse.urlencode(plan_form).encode())
            except ClientError as e:
                raise StripeError(502, "fake_stripe: could not mirror the "
                                  "price as a localstripe plan: %s" % e,
                                  type_="api_error")
            if status != 200:
                raise StripeError(502, "fake_stripe: localstripe refused the "
                                  "mirror plan (%d): %s" % (
                                      status, data.decode()[:200]),
                                  type_="api_error")
        self.prices[price_id] = price
        return price, 200

    async def get_price(self, request, match, p):
        price = self.prices.get(match["id"])
        if price is None:
            raise missing("price", match["id"], "price")
        return price, 200

    async def update_price(self, request, match, p):
        refuse_unknown(p, PRICE_UPDATE_PARAMS)
        price = self.prices.get(match["id"])
        if price is None:
            raise missing("price", match["id"], "price")
        if "active" in p:
            price["active"] = as_bool(p["active"], "active")
        for field in ("nickname", "lookup_key", "tax_behavior"):
            if field in p:
                price[field] = p[field] or None
        if "metadata" in p:
            if p["metadata"] == "":
                price["metadata"] = {}
            else:
                for k, v in as_metadata(p["metadata"], "metadata").items():
                    if v == "":
                        price["metadata"].pop(k, None)
                    else:
                        price["metadata"][k] = v
        return price, 200

    async def list_prices(self, request, match, p):
        items = list(reversed(list(self.prices.values())))  # newest first
        if "active" in p:
            want = as_bool(p["active"], "active")
            items = [x for x in items if x["active"] == want]
        if p.get("product"):
            items = [x for x in items if x["product"] == p["product"]]
        if p.get("currency"):
            items = [x for x in items if x["currency"] == p["currency"].lower()]
        if p.get("type"):
            items = [x for x in items if x["type"] == p["type"]]
        if p.get("lookup_keys"):
            keys = p["lookup_keys"]
            keys = keys if isinstance(keys, list) else [keys]
            items = [x for x in items if x["lookup_key"] in keys]
        return self.page(items, p, "/v1/prices"), 200

    @staticmethod
    def page(items, p, url):
        limit = as_int(p.get("limit", 10), "limit", 1)
        if limit > 100:
            raise StripeError(400, "This value must be less than or equal to "
                              "100.", param="limit")
        if p.get("starting_after"):
            ids = [x["id"] for x in items]
            if p["starting_after"] in ids:
                items = items[ids.index(p["starting_after"]) + 1:]
        elif p.get("ending_before"):
            ids = [x["id"] for x in items]
            if p["ending_before"] in ids:
                items = items[:ids.index(p["ending_before"])][-limit:]
        return {"object": "list", "data": items[:limit],
                "has_more": len(items) > limit, "url": url}

    async def find_price(self, price_id, headers, param):
        """A price of this double, or a localstripe plan with that id."""
        if price_id in self.prices:
            return self.prices[price_id]
        plan = await self.plan_exists(price_id, headers)
        if plan:
            return {"id": plan["id"], "currency": plan.get("currency"),
                    "unit_amount": plan.get("amount"), "type": "recurring",
                    "active": plan.get("active", True),
                    "recurring": {"interval": plan.get("interval")}}
        raise StripeError(400, "No such price: '%s'" % price_id,
                          code="resource_missing", param=param)

    # -- checkout sessions -----------------------------------------------

    async def create_session(self, request, match, p):
        refuse_unknown(p, CHECKOUT_PARAMS)
        mode = p.get("mode")
        if mode not in ("payment", "setup", "subscription"):
            if mode is None:
                raise StripeError(400, "Missing required param: mode.",
                                  code="parameter_missing", param="mode")
            raise StripeError(400, "Invalid mode: must be one of payment, "
                              "setup, or subscription", param="mode")
        ui_mode = p.get("ui_mode", "hosted")
        if p.get("customer") and p.get("customer_email"):
            raise StripeError(400, "You may only specify one of these "
                              "parameters: customer, customer_email.",
                              param="customer_email")
        locale = p.get("locale")
        if locale is not None and locale not in CHECKOUT_LOCALES:
            raise StripeError(400, "Invalid locale: %s" % locale,
                              param="locale")
        metadata = as_metadata(p.get("metadata"), "metadata")
        sub_data = p.get("subscription_data")
        if sub_data is not None:
            if mode != "subscription":
                raise StripeError(400, "You can only pass in subscription_data "
                                  "in `subscription` mode.",
                                  param="subscription_data")
            if not isinstance(sub_data, dict):
                raise StripeError(400, "Invalid hash",
                                  param="subscription_data")
            as_metadata(sub_data.get("metadata"),
                        "subscription_data[metadata]")
        line_items = p.get("line_items") or []
        if isinstance(line_items, dict) or not isinstance(line_items, list):
            raise StripeError(400, "Invalid array", param="line_items")
        if mode in ("payment", "subscription") and not line_items:
            raise StripeError(400, "`line_items` is required in `%s` mode."
                              % mode, code="parameter_missing",
                              param="line_items")
        amount, currency = 0, None
        for i, item in enumerate(line_items):
            param = "line_items[%d]" % i
            if not isinstance(item, dict):
                raise StripeError(400, "Invalid hash", param=param)
            if not item.get("price") and not item.get("price_data"):
                raise StripeError(400, "You must specify either `price` or "
                                  "`price_data` for each line item.",
                                  param=param + "[price]")
            quantity = as_int(item.get("quantity", 1), param + "[quantity]", 1)
            if item.get("price"):
                price = await self.find_price(item["price"], request.headers,
                                              param + "[price]")
                if not price.get("active", True):
                    raise StripeError(400, "The price specified is inactive. "
                                      "This field only accepts active "
                                      "prices.", param=param + "[price]")
                if mode == "subscription" and price["type"] != "recurring":
                    raise StripeError(400, "You must provide at least one "
                                      "recurring price in `subscription` "
                                      "mode when using prices.",
                                      param=param + "[price]")
                if mode == "payment" and price["type"] == "recurring":
                    raise StripeError(400, "You specified `payment` mode but "
                                      "passed a recurring price. Either "
                                      "switch to `subscription` mode or use "
                                      "only one-time prices.",
                                      param=param + "[price]")
                currency = currency or price.get("currency")
                amount += (price.get("unit_amount") or 0) * quantity
            else:
                pd = item["price_data"]
                currency = currency or pd.get("currency")
                amount += as_int(pd.get("unit_amount", 0),
                                 param + "[price_data][unit_amount]") * quantity
        customer = p.get("customer")
        if customer and not await self.customer_exists(customer,
                                                       request.headers):
            raise StripeError(400, "No such customer: '%s'" % customer,
                              code="resource_missing", param="customer")
        created = now()
        sid = new_id("cs_test_", 58)
        session = {
            "id": sid,
            "object": "checkout.session",
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": amount,
            "amount_total": amount,
            "automatic_tax": {"enabled": False, "liability": None,
                              "provider": None, "status": None},
            "billing_address_collection": None,
            "cancel_url": p.get("cancel_url"),
            "client_reference_id": p.get("client_reference_id"),
            "client_secret": None,
            "consent": None,
            "consent_collection": None,
            "created": created,
            "currency": (p.get("currency") or currency or "eur").lower(),
            "custom_fields": [],
            "custom_text": {"after_submit": None, "shipping_address": None,
                            "submit": None,
                            "terms_of_service_acceptance": None},
            "customer": customer,
            "customer_creation": None if customer else "if_required",
            "customer_details": None,
            "customer_email": p.get("customer_email"),
            "expires_at": as_int(p.get("expires_at", created + 86400),
                                 "expires_at"),
            "invoice": None,
            "invoice_creation": None,
            "livemode": False,
            "locale": locale,
            "metadata": metadata,
            "mode": mode,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": "always",
            "payment_method_options": {},
            "payment_method_types": ["card"],
            "payment_status": "no_payment_required" if mode == "setup"
            else "unpaid",
            "phone_number_collection": {"enabled": False},
            "recovered_from": None,
            "setup_intent": None,
            "shipping_address_collection": None,
            "shipping_cost": None,
            "shipping_options": [],
            "status": "open",
            "submit_type": None,
            "subscription": None,
            "success_url": p.get("success_url"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0,
                              "amount_tax": 0},
            "ui_mode": ui_mode,
            "url": "https://checkout.stripe.com/c/pay/%s#%s" % (
                sid, new_id("fid", 40)) if ui_mode == "hosted" else None,
        }
        # Kept for tests (GET /_fake/requests shows the parsed form as well).
        self.sessions[sid] = {"session": session, "line_items": line_items,
                              "subscription_data": sub_data}
        return session, 200

    async def get_session(self, request, match, p):
        stored = self.sessions.get(match["id"])
        if stored is None:
            raise missing("checkout.session", match["id"], "session")
        return stored["session"], 200

    # -- billing portal ------------------------------------------------------

    async def create_portal(self, request, match, p):
        refuse_unknown(p, PORTAL_PARAMS)
        customer = p.get("customer")
        if not customer and not p.get("customer_account"):
            raise StripeError(400, "Missing required param: customer.",
                              code="parameter_missing", param="customer")
        if customer and not await self.customer_exists(customer,
                                                       request.headers):
            raise StripeError(400, "No such customer: '%s'" % customer,
                              code="resource_missing", param="customer")
        session = {
            "id": new_id("bps_", 24),
            "object": "billing_portal.session",
            "configuration": p.get("configuration") or new_id("bpc_", 24),
            "created": now(),
            "customer": customer,
            "customer_account": p.get("customer_account"),
            "flow": None,
            "livemode": False,
            "locale": p.get("locale"),
            "on_behalf_of": p.get("on_behalf_of"),
            "return_url": p.get("return_url"),
            "url": "https://billing.stripe.com/p/session/test_%s" %
                   new_id("", 40),
        }
        self.portal_sessions[session["id"]] = session
        return session, 200

    # -- control -------------------------------------------------------------

    async def control(self, request):
        path, method = request.path, request.method
        if path == "/_fake/requests" and method == "GET":
            items = self.requests
            if request.query.get("method"):
                items = [r for r in items
                         if r["method"] == request.query["method"].upper()]
            if request.query.get("path"):
                items = [r for r in items if fnmatch.fnmatchcase(
                    r["path"], request.query["path"])]
            return web.json_response({"requests": items})
        if path == "/_fake/requests" and method == "DELETE":
            self.requests.clear()
            return web.json_response({"ok": True})
        if path == "/_fake/fail" and method == "POST":
            try:
                rule = await request.json()
            except ValueError:
                rule = parse_form(list((await request.post()).items()))
            if not isinstance(rule, dict) or not rule.get("path"):
                return web.json_response({"error": "path is required"},
                                         status=400)
            rule["remaining"] = int(rule.get("count", 1))
            rule["status"] = int(rule.get("status", 500))
            self.fail_rules.append(rule)
            return web.json_response({"ok": True, "rule": rule})
        if path == "/_fake/fail" and method == "DELETE":
            self.fail_rules.clear()
            return web.json_response({"ok": True})
        if path == "/_fake/reset" and method == "POST":
            self.reset()
            return web.json_response({"ok": True})
        m = re.match(r"^/_fake/checkout/sessions/([^/]+)/complete$", path)
        if m and method == "POST":
            stored = self.sessions.get(m.group(1))
            if stored is None:
                return web.json_response({"error": "no such session"},
                                         status=404)
            try:
                data = await request.json()
            except ValueError:
                data = {}
            s = stored["session"]
            s["status"] = "complete"
            s["payment_status"] = data.get("payment_status", "paid")
            s["subscription"] = data.get("subscription", s["subscription"])
            s["url"] = None
            return web.json_response(s)
        return web.json_response({"error": "unknown control path"}, status=404)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0,
                        help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--localstripe", default=None,
                        help="base URL of localstripe, e.g. "
                             "http://127.0.0.1:8420")
    parser.add_argument("--compat-subscriptions", action="store_true",
                        help="rewrite items[N][price] to items[N][plan] and "
                             "drop proration_behavior/payment_behavior on "
                             "subscription POSTs forwarded to localstripe")
    args = parser.parse_args()

    fake = FakeStripe(args.localstripe, args.compat_subscriptions)
    fake.http = ClientSession(timeout=ClientTimeout(total=30),
                              auto_decompress=False)
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print("ready %d" % port, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.http.close()
        await runner.cleanup()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
