"""Content rules: language limits, categories per kind of site, prohibited content, attribution.

Checked as each item is read (a broadcast segment with a category or language, a
`content_published`), never at the end: a finding is dated by the item. The findings
of an item with no quotation and no state-secret flag depend only on (site kind,
category, language) and are memoised on that key.
"""

from __future__ import annotations

import datetime as dt
from itertools import permutations
from typing import Any, NamedTuple

from ...report import Violation
from ...time.instants import day_of
from ..context import Context
from ..ledger import Ledger
from ..validity import Reject, check_at, check_category, check_language, check_site
from .updates import update_rules

__all__ = ["ContentFinding", "ContentRules"]


class ContentFinding(NamedTuple):
    rule: Any  # the constraint or language policy broken
    kind: str
    message: str
    message_en: str


#: Not looked up yet (a refusal memo's None means "not refused").
_UNSEEN: Any = object()


def _refusal(ctx: Context, category: str | None, language: str | None) -> str | None:
    """Why an item naming `category` and `language` is refused, if it is."""
    try:
        check_category(ctx, category)
        check_language(language)
    except Reject as exc:
        return str(exc)
    return None


def _blank(value: Any) -> bool:
    """Absent, or text of nothing but spaces: no attribution at all."""
    return value is None or (isinstance(value, str) and not value.strip())


class ContentRules:
    """The content rules of one evaluation, with their memo of findings."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        rs = ctx.rule_set
        # Per site kind: the limit policy to cite, and every tag any policy for that kind
        # allows (a plan lists languages that are produced, so they are allowed too).
        self._languages: dict[str, tuple[Any, list[str]]] = {}
        for kind in {k.id for k in rs.site_kinds}:
            covering = [p for p in rs.languages.policies if kind in p.site_kinds]
            limits = [p for p in covering if p.mode == "limit"]
            if limits:
                allowed = list(dict.fromkeys(t for p in covering for t in p.allowed))
                self._languages[kind] = (limits[0], allowed)
        self._attribution = [c for c in rs.constraints if c.kind == "attribution"]
        #: every field an attribution rule requires, each once
        self._attributed = list(dict.fromkeys(f for c in self._attribution for f in c.required))
        #: the findings of an item with a quotation or a state-secret flag, by (site kind,
        #: category, language, flag, which required fields of the quotation are blank)
        self._quoted_memo: dict[tuple[Any, ...], list[ContentFinding]] = {}
        self._prohibited = [c for c in rs.constraints if c.kind == "prohibited_content"]
        self._category_rules = [c for c in rs.constraints if c.kind == "category_allowed"]
        self._allowed_cache: dict[tuple[str, str], bool] = {}
        #: (site kind, category, language) -> the findings of an item with no quotation and
        #: no state-secret flag (the intake skips a segment whose key maps to none)
        self.memo: dict[tuple[str | None, str | None, str | None], list[ContentFinding]] = {}
        #: site -> its kind (no site: the only kind there is, if one); a site the registry
        #: does not know has none
        self._kind_of: dict[str | None, str | None] = {
            site: info.kind for site, info in ctx.sites.items()}
        self._kind_of[None] = ctx.site_kind(None)
        #: (category, language) -> why an item naming them is refused (None: it is not)
        self._refused: dict[tuple[str | None, str | None], str | None] = {}
        #: whether a day with an update matters (a daily_update rule owes one)
        self._updates_checked = bool(update_rules(rs))

    def on_content_published(self, ledger: Ledger, ev: Any) -> None:
        """The intake hook of `content_published`: a day with an update, and its checks."""
        ctx = self.ctx
        ts = ev.at.timestamp()
        if ts > ctx.as_of_ts:
            check_at(ctx, ev.at)  # refused: says why
        site, category, language = ev.site, ev.category, ev.language
        if site is not None:
            if site not in ctx.sites:
                check_site(ctx, site)  # refused: says why
            if self._updates_checked:
                ledger.updates.add((site, day_of(ts)))
        refused = self._refused.get((category, language), _UNSEEN)
        if refused is _UNSEEN:
            refused = self._refused[(category, language)] = _refusal(ctx, category, language)
        if refused is not None:
            raise Reject(refused)
        if ts >= ctx.since_ts:
            self.check(ledger, ev.id, ev.at, site, category, language, ev.quoted_from,
                       ev.state_secret)

    def check(self, ledger: Ledger, ident: str | None, at: dt.datetime, site: str | None,
              category: str | None, language: str | None, quoted: Any,
              state_secret: bool | None) -> None:
        """File a violation for each content rule the item breaks."""
        kind = self._kind_of.get(site)
        if quoted is None and not state_secret:
            found = self.memo.get((kind, category, language))
            if found is None:
                found = self.memo[(kind, category, language)] = self.findings(
                    kind, category, language, None, None)
            if not found:
                return
        else:
            # the findings depend on which attribution fields are blank, not on their text
            key = (kind, category, language, bool(state_secret), None if quoted is None else
                   tuple([_blank(getattr(quoted, f)) for f in self._attributed]))
            found = self._quoted_memo.get(key)
            if found is None:
                found = self._quoted_memo[key] = self.findings(
                    kind, category, language, quoted, state_secret)
            if not found:
                return
        when = at.isoformat()
        for rule, vkind, vi, en in found:
            ledger.findings.append(Violation(
                rule_id=rule.id, kind=vkind, site=site, when=when, message=vi,
                message_en=en, source=self.ctx.cite(rule.source),
                events=[ident] if ident else []))

    def findings(self, kind: str | None, category: str | None, language: str | None,
                          quoted: Any, state_secret: bool | None) -> list[ContentFinding]:
        """(rule, kind, message, message_en) for each content rule broken; no side effects."""
        found: list[ContentFinding] = []

        def applies(rule: Any) -> bool:
            return rule.site_kinds is None or (kind is not None and kind in rule.site_kinds)

        if language is not None and kind in self._languages:
            policy, allowed = self._languages[kind]
            if not self.language_ok(kind, allowed, language, policy.bilingual):
                found.append(ContentFinding(policy, "language_not_allowed",
                              f"Ngôn ngữ '{language}' không thuộc danh mục cho phép: "
                              f"{', '.join(allowed)}",
                              f"Language '{language}' is not allowed here: {', '.join(allowed)}"))
        if category is not None:
            cat = self.ctx.categories[category]
            for category_rule in self._category_rules:
                if applies(category_rule) and cat.site_kinds is not None and (
                        kind is None or kind not in cat.site_kinds):
                    found.append(ContentFinding(category_rule, "category_not_allowed",
                                  f"Loại nội dung '{category}' không được phép trên loại điểm "
                                  "này", f"Content category '{category}' is not allowed on "
                                  "this kind of site"))
        for prohibited in self._prohibited:
            if applies(prohibited) and (state_secret or category in prohibited.categories):
                found.append(ContentFinding(prohibited, "prohibited_content",
                              "Đăng tải nội dung bị cấm (bí mật nhà nước)",
                              "Prohibited content published (state secrets)"))
        if quoted is not None:
            for attribution in self._attribution:
                missing = [f for f in attribution.required if _blank(getattr(quoted, f))]
                if applies(attribution) and missing:
                    found.append(ContentFinding(attribution, "missing_attribution",
                                  f"Thông tin trích dẫn thiếu: {', '.join(missing)}",
                                  f"Quoted content lacks: {', '.join(missing)}"))
        return found

    def language_ok(self, kind: str, tags: list[str], language: str,
                     bilingual: str = "listed") -> bool:
        key = (kind, language)
        if key not in self._allowed_cache:
            groups = self.ctx.lang_groups
            parts = language.split("+")
            ok = bilingual == "of_allowed" and len(parts) > 1 and all(
                self.language_ok(kind, tags, part) for part in parts)
            for allowed in [] if ok else tags:
                allowed_parts = allowed.split("+")
                if len(allowed_parts) != len(parts):
                    continue
                # a bilingual product is the same product whichever language is written first
                if any(all(p == a or p in groups.get(a, ())
                           for p, a in zip(order, allowed_parts, strict=True))
                       for order in permutations(parts)):
                    ok = True
                    break
            self._allowed_cache[key] = ok
        return self._allowed_cache[key]
