"""The readable end-of-run summary printed by ``dugnad run``."""

from __future__ import annotations

import math

from model.indicators import snapshot

COLS = ("majority", "immigrant", "descendant", "immigrant_background")
HEAD = ("majority", "immigrant", "descendant", "imm. backgr.")


def _pct(v: float) -> str:
    return "   –" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:4.0f}%"


def _num(v: float, digits: int = 1) -> str:
    return "   –" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:5.{digits}f}"


def summary_text(model, wall_s: float | None = None) -> str:
    rows = {r["group"]: r for r in snapshot(model)}
    sc = model.params
    pop = len(model.people)
    lines = []
    took = f", {wall_s:.1f} s" if wall_s is not None else ""
    lines.append(f"Dugnad — scenario '{sc.name}', seed {model.seed}: {pop:,} persons, "
                 f"{int(model.orgs.active.sum())} organisations, month {model.month} (after {sc.burn_in_months} burn-in months){took}")
    lines.append("")
    w = 34
    lines.append(f"{'':{w}}" + "".join(f"{h:>14}" for h in HEAD))

    def row(label, key, fmt=_pct):
        lines.append(f"{label:{w}}" + "".join(f"{fmt(rows[g][key]):>14}" for g in COLS))

    lines.append(f"{'persons':{w}}" + "".join(f"{rows[g]['persons']:>14,}" for g in COLS))
    lines.append("Participation ladder (adults 18+)")
    row("  informal help to non-kin (12 m)", "informal_help")
    row("  took part (any role)", "participation")
    row("  member", "member")
    row("  volunteer work (last 12 months)", "volunteer")
    row("  office holder", "office")
    row("  was asked to join (last 12 m)", "asked")
    lines.append("Ties per adult")
    row("  bonding (same origin group)", "bonding_ties", _num)
    row("  bridging (other groups)", "bridging_ties", _num)
    row("  E-I index (-1 bonding..+1)", "ei_index", lambda v: _num(v, 2))
    lines.append("Integration")
    row("  generalised trust (0-1)", "trust", lambda v: _num(v, 2))
    row("  Norwegian skill (0-1)", "norwegian", lambda v: _num(v, 2))
    row("  employed (20-66)", "employment")
    row("  persistent low income", "low_income")
    lines.append("Children and youth")
    row("  children 6-12 in an activity", "children_participation")
    row("  youth 13-19 in an organisation", "youth_participation")
    row("    boys", "youth_boys")
    row("    girls", "youth_girls")
    row("  youth in culture/hobby orgs", "youth_hobby")
    a = rows["all"]
    lines.append("")
    imm_adults = rows["immigrant_background"]["persons"] / max(1, a["persons"])
    lines.append(f"Immigrant-background share: of persons {_pct(imm_adults).strip()}, of members "
                 f"{_pct(a['immigrant_share_members']).strip()}, of volunteers {_pct(a['immigrant_share_volunteers']).strip()}, "
                 f"of office holders {_pct(a['immigrant_share_offices']).strip()}")
    maj, imm = rows["majority"], rows["immigrant"]
    ratio = imm["volunteer"] / maj["volunteer"] if maj["volunteer"] else float("nan")
    lines.append(f"Volunteering, immigrants / majority: {ratio:.2f}   "
                 "(research: Frivillig innsats 2009 36% vs 49% = 0.73; SSB 2016: under 0.5)")
    lines.append("Research targets (FACTS §2-3): took part 43% (immigrant background) vs 70% (rest); "
                 "youth members: minority boys 59%, girls 47%, majority higher")
    if model.interventions:
        lines.append("")
        lines.append("Interventions (cost = NOK spent; received = value reaching persons, incl. unpaid volunteer time)")
        for iv in model.interventions:
            pr = iv.params
            window = f"months {pr.start_month}–{pr.end_month - 1 if pr.end_month else model.month - 1}"
            lines.append(f"  {iv.label} ({pr.type}, {window}): cost NOK {iv.cost_nok:,.0f}, received NOK "
                         f"{iv.benefit_nok:,.0f}, persons reached {len(iv.reached):,}")
    return "\n".join(lines)
