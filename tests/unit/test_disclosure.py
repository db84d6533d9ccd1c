"""Disclosure control of respondent-level survey tables (csp_data.survey.disclosure), attacked.

The attacker here is written independently of the package: it reads what the page shows and
downloads (the all-respondents table and the breakdown, each as the CSV the download button writes)
and is also given, as side knowledge, the exact number of respondents and total weight of every
group (read from the raw file with the csv module); individual weights it knows only to be positive,
or all 1 when the file has none (the page says which). It then tries every subtraction of published
rows, the linear system of published totals (least squares and its null space), and exact
mixed-integer reasoning on every withheld figure.
"""

from __future__ import annotations

import csv
import io
import math
import random

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import null_space
from scipy.optimize import Bounds, LinearConstraint, milp

from csp_data import survey as sv
from helpers import ROOT

GENERATED = ROOT / "tests" / "fixtures" / "survey" / "GENERATED_TEST_DATA_survey_responses.csv"
SCALE = ["very safe", "fairly safe", "neither", "fairly unsafe", "very unsafe"]
HEADER = "respondent_id,ward_code,age_band,sex,weight,q_safe,q_aware\n"
SHARE_TOLERANCE = 0.005  # half a percentage point: "not even to within rounding" of a whole percent
TRUTH: dict[str, dict[str, tuple[int, float]]] = {}  # (respondents, summed weight) by group and answer


def ward(number: int) -> str:
    return f"E0500{number:04d}"


def make_file(tmp_path, seed: int, ward_sizes: list[int], weighted: bool = True):
    """A made-up respondent file: wards of the sizes given; sex and age drawn so some groups are small."""
    rng = random.Random(seed)
    lines = [HEADER if weighted else HEADER.replace("weight,", "")]
    number = 0
    for index, size in enumerate(ward_sizes):
        for _ in range(size):
            number += 1
            weight = f"{rng.uniform(0.4, 2.5):.3f}," if weighted else ""
            sex = rng.choices(["female", "male", "other", "prefer_not_to_say", ""], [48, 44, 2, 4, 2])[0]
            age = rng.choices(["16-34", "35-64", "65+", ""], [30, 45, 22, 3])[0]
            safe = rng.choices(SCALE, [20, 40, 20, 13, 7])[0]
            aware = rng.choices(["yes", "no", ""], [70, 28, 2])[0]
            lines.append(f"r{number},{ward(index + 1)},{age},{sex},{weight}{safe},{aware}\n")
    path = tmp_path / "r.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def knowledge(path, question: str, by: str) -> tuple[dict[str, tuple[int, float]], tuple[float, float] | None]:
    """Read the file with the csv module, not the package, into TRUTH; return the attacker's side knowledge:
    each group's respondents and total weight, and one respondent's weight (1 without weights, else None:
    only known to be positive)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    weighted = "weight" in rows[0]
    TRUTH.clear()
    for row in rows:  # (respondents, summed weight) giving each answer, by group; blank as "(not stated)"
        if answer := row[f"q_{question}"].strip():
            cells = TRUTH.setdefault(row[by] or "(not stated)", {})
            count, weight = cells.get(answer, (0, 0.0))
            cells[answer] = (count + 1, weight + (float(row["weight"]) if weighted else 1.0))
    side = {g: (sum(c for c, _ in v.values()), math.fsum(w for _, w in v.values())) for g, v in TRUTH.items()}
    return side, None if weighted else (1.0, 1.0)


def downloaded(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """A frame written to CSV at full precision and read back: more than the page's download gives (it rounds
    shares to 0.1%), so an attacker here knows at least as much as a visitor could."""
    return pd.read_csv(
        io.StringIO(frame.to_csv(index=False)), dtype={by: str} if by else None, keep_default_na=False, na_values=[""]
    )


def published(responses, question: str, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The all-respondents table and the breakdown as the page builds them, downloaded at full precision."""
    overall, answers = sv.overall_shares(responses, question)
    grouped = sv.grouped_shares(responses, question, by, answers)
    return downloaded(overall), downloaded(grouped, by)


# ---------------------------------------------------------------------------------
# The attacker
# ---------------------------------------------------------------------------------


def attack(overall, grouped, by, side: dict[str, tuple[int, float]], weight_range) -> dict:
    """What the attacker pins down: ``subtracted`` (withheld groups some subtraction of published rows
    gives), ``solved`` (cells the equations alone determine), ``pinned`` (cells with one possible count,
    or a share known to within SHARE_TOLERANCE), ``ranges`` ((group, answer) -> (another count fits,
    a share SHARE_TOLERANCE away fits))."""
    answers = list(overall["answer"])
    withheld = sorted(set(grouped.loc[grouped["suppressed"], by]))
    rows = grouped[~grouped["suppressed"] & (grouped[by] != sv.WITHHELD_TOGETHER)]
    shown = {g: part.set_index("answer") for g, part in rows.groupby(by)}
    total_weight = math.fsum(w for _, w in side.values())
    everyone = overall.set_index("answer")
    counts = np.array([everyone.loc[a, "n"] - sum(f.loc[a, "n"] for f in shown.values()) for a in answers], float)
    weights = np.array(
        [
            everyone.loc[a, "weighted_proportion"] * total_weight
            - math.fsum(f.loc[a, "weighted_proportion"] * side[g][1] for g, f in shown.items())
            for a in answers
        ]
    )
    result = {"pinned": [], "subtracted": [], "solved": [], "ranges": {}}
    if not withheld:
        return result
    result["subtracted"] = subtraction_attack(overall, shown, grouped, by, side, withheld, total_weight)
    result["solved"] = linear_attack(counts, [side[g][0] for g in withheld], withheld, answers)
    true_cells = [[truth_cells(g, a) for a in answers] for g in withheld]
    bounds = exact_bounds(counts, weights, [side[g] for g in withheld], weight_range, true_cells)
    for (h, a), (other_count, other_share) in bounds.items():
        group, answer = withheld[h], answers[a]
        result["ranges"][group, answer] = (other_count, other_share)
        if counts[a] > 0.5 and not (other_count and other_share):
            result["pinned"].append((group, answer))
    return result


def subtraction_attack(overall, shown, grouped, by, side, withheld, total_weight) -> list[str]:
    """All respondents minus every subset of the published rows, against each withheld group."""
    answers = list(overall["answer"])
    names = list(shown)
    n = np.array([[shown[g].loc[a, "n"] for a in answers] for g in names], float).reshape(len(names), len(answers))
    w = np.array([side[g][1] for g in names], float)
    weighted = np.array(
        [[shown[g].loc[a, "weighted_proportion"] * side[g][1] for a in answers] for g in names], float
    ).reshape(len(names), len(answers))
    together = grouped[grouped[by] == sv.WITHHELD_TOGETHER].set_index("answer")
    if len(together):
        w_together = math.fsum(side[g][1] for g in withheld)
        n = np.vstack([n, [together.loc[a, "n"] for a in answers]])
        w = np.append(w, w_together)
        weighted = np.vstack([weighted, [together.loc[a, "weighted_proportion"] * w_together for a in answers]])
    everyone = overall.set_index("answer")
    all_n = np.array([everyone.loc[a, "n"] for a in answers], float)
    all_weighted = np.array([everyone.loc[a, "weighted_proportion"] * total_weight for a in answers])
    subsets = ((np.arange(2 ** len(w))[:, None] >> np.arange(len(w))) & 1).astype(float)  # every subset of rows
    left_n = all_n - subsets @ n
    left_w = total_weight - subsets @ w
    with np.errstate(divide="ignore", invalid="ignore"):
        left_share = (all_weighted - subsets @ weighted) / left_w[:, None]
    found = []
    for group in withheld:
        # A remainder is taken for the group when it has the group's size or weight, which the attacker knows.
        size, weight = side[group]
        true_n = np.array([truth_cells(group, a)[0] for a in answers])
        true_share = np.array([truth_cells(group, a)[1] / weight for a in answers])
        same_size = np.abs(left_n.sum(axis=1) - size) < 0.5
        same_weight = np.abs(left_w - weight) < 1e-6
        if np.any(same_size & np.all(np.abs(left_n - true_n) < 0.5, axis=1)):
            found.append(group)
        elif np.any(same_weight & np.all(np.abs(left_share - true_share) < SHARE_TOLERANCE, axis=1)):
            found.append(group)
    return found


def truth_cells(group: str, answer: str) -> tuple[int, float]:
    return TRUTH[group].get(answer, (0, 0.0))


def linear_attack(counts, sizes, withheld, answers) -> list[tuple[str, str]]:
    """Cells of the withheld block that the published totals alone determine (least squares' answer
    is then the only answer: the cell's unit vector lies in the row space of the equations)."""
    groups, k = len(withheld), len(answers)
    rows = []
    for a in range(k):  # every answer's withheld total: all respondents minus the groups shown
        rows.append([1.0 if cell % k == a else 0.0 for cell in range(groups * k)])
    for h in range(groups):  # every withheld group's size (side knowledge)
        rows.append([1.0 if cell // k == h else 0.0 for cell in range(groups * k)])
    equations = np.array(rows)
    values = np.concatenate([counts, sizes])
    estimate = np.linalg.lstsq(equations, values, rcond=None)[0]
    free = null_space(equations)
    solved = []
    for cell in range(groups * k):
        if np.allclose(free[cell], 0, atol=1e-9):
            solved.append((withheld[cell // k], answers[cell % k]))
            assert estimate[cell] == pytest.approx(TRUTH[withheld[cell // k]].get(answers[cell % k], (0, 0))[0])
    return solved


def exact_bounds(counts, weights, side, weight_range, true_cells) -> dict:
    """For each withheld cell, whether another solution of everything known has a different whole-number
    count, and whether one has a summed weight at least SHARE_TOLERANCE of the group's weight away
    from the true one (MILP feasibility: if neither exists, the attacker has the cell)."""
    groups, k = len(side), len(counts)
    cells = groups * k
    matrix, lower, upper = [], [], []

    def add(coefficients, lo, hi):
        row = np.zeros(2 * cells)
        for index, value in coefficients:
            row[index] = value
        matrix.append(row)
        lower.append(lo)
        upper.append(hi)

    for a in range(k - 1):  # the last answer's totals follow from the rest (redundant rows upset HiGHS)
        add([(h * k + a, 1) for h in range(groups)], counts[a], counts[a])
        add([(cells + h * k + a, 1) for h in range(groups)], weights[a], weights[a])
    for h, (size, weight) in enumerate(side):
        low, high = weight_range or (0.0, weight)  # one respondent's weight: known, or anything up to the group's
        add([(h * k + a, 1) for a in range(k)], size, size)
        add([(cells + h * k + a, 1) for a in range(k)], weight, weight)
        for a in range(k):
            add([(cells + h * k + a, 1), (h * k + a, -low)], -1e-7, np.inf)
            add([(cells + h * k + a, 1), (h * k + a, -high)], -np.inf, 1e-7)
    constraints = LinearConstraint(np.array(matrix), lower, upper)
    integrality = np.array([1] * cells + [0] * cells)
    upper_bounds = np.array(
        [size for size, _ in side for _ in range(k)] + [w + 1e-6 for _, w in side for _ in range(k)]
    )

    def exists(index, low, high) -> bool:
        lower_bounds, highs = np.zeros(2 * cells), upper_bounds.copy()
        lower_bounds[index], highs[index] = max(0.0, low), min(highs[index], high)
        if lower_bounds[index] > highs[index]:
            return False
        solved = robust_milp(np.zeros(2 * cells), constraints, integrality, Bounds(lower_bounds, highs))
        assert solved.status in (0, 2), solved.message
        return solved.status == 0

    found = {}
    for h in range(groups):
        for a in range(k):
            count, weight = true_cells[h][a]
            margin = SHARE_TOLERANCE * side[h][1]
            x, w = h * k + a, cells + h * k + a
            found[h, a] = (
                exists(x, count + 1, np.inf) or exists(x, -np.inf, count - 1),
                exists(w, weight + margin, np.inf) or exists(w, -np.inf, weight - margin),
            )
    return found


def robust_milp(objective, constraints, integrality, bounds):
    """HiGHS with presolve, else without (presolve now and then fails or misses a solution on these
    small, degenerate problems); a solution found is checked against every constraint here."""
    for options in ({}, {"presolve": False}):
        solved = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds, options=options)
        if solved.status == 0:
            values = constraints.A @ solved.x
            worst = max(np.max(constraints.lb - values), np.max(values - constraints.ub))
            assert worst < 1e-6, (worst, options)
            assert np.allclose(solved.x[integrality == 1], np.round(solved.x[integrality == 1]), atol=1e-6)
            return solved
    return solved


def hiding(responses, question: str, by: str, hidden: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A publication that withholds exactly ``hidden`` (built from the table with nothing withheld)."""
    overall, _ = sv.overall_shares(responses, question)
    table = sv.weighted_proportions(responses, question, by=by, min_group_size=1)
    table["suppressed"] = mask = table[by].isin(hidden)
    table.loc[mask, ["n", "group_n", "weighted_proportion", "ci_lower", "ci_upper", "n_effective"]] = pd.NA
    return downloaded(overall), downloaded(table, by)


# ---------------------------------------------------------------------------------
# The attack on what the page publishes
# ---------------------------------------------------------------------------------

SCENARIOS = {
    "a group of 1 withheld alone": ([1, 10, 11, 30, 45], True),
    "groups of 9 and 1 withheld": ([9, 1, 10, 11, 40], True),
    "groups of 9 and 5, together over 10": ([9, 5, 12, 30, 25], True),
    "a group of 9 beside groups of 10 and 11": ([9, 10, 11, 25], True),
    "unweighted, a group of 1": ([1, 10, 11, 30], False),
    "unweighted, groups of 2 and 3": ([2, 3, 12, 14, 30], False),
}


def check_publication(path, responses, question: str, by: str) -> dict:
    """Attack one question x breakdown and check the page shows every safe group, exactly."""
    side, weight_range = knowledge(path, question, by)
    overall, grouped = published(responses, question, by)
    found = attack(overall, grouped, by, side, weight_range)
    assert found["subtracted"] == []
    assert found["solved"] == []
    assert found["pinned"] == [], found["ranges"]

    # What is shown is exact, and every group of 10 or more that is not needed to protect another is shown.
    small = {g for g, (size, _) in side.items() if size < sv.MIN_GROUP_SIZE}
    reasons = grouped.drop_duplicates(by).set_index(by)["withheld_because"]
    assert set(reasons.index[reasons == sv.TOO_FEW]) == small
    protecting = set(reasons.index[reasons == sv.PROTECTING])
    order = sorted((g for g in side if g not in small), key=lambda g: (side[g][0], g))
    assert protecting == set(order[: len(protecting)])  # the next smallest, in order
    for group, part in grouped[~grouped["suppressed"]].groupby(by):
        members = small | protecting if group == sv.WITHHELD_TOGETHER else {group}
        weight = math.fsum(side[g][1] for g in members)
        for answer, row in part.set_index("answer").iterrows():
            assert row["n"] == sum(truth_cells(g, answer)[0] for g in members)
            assert row["group_n"] == sum(side[g][0] for g in members)
            share = math.fsum(truth_cells(g, answer)[1] for g in members) / weight
            assert row["weighted_proportion"] == pytest.approx(share, abs=1e-12)
    if small:
        # Withholding one group fewer would let the attacker pin something down, or leave the
        # withheld groups too few or too small: nothing is withheld that need not be.
        last = sorted(protecting, key=lambda g: (side[g][0], g))[-1:] if protecting else []
        fewer = (small | protecting) - set(last)
        if len(fewer) >= 2 and sum(side[g][0] for g in fewer) >= sv.MIN_GROUP_SIZE and last:
            assert attack(*hiding(responses, question, by, fewer), by, side, weight_range)["pinned"]
        elif last:
            assert len(fewer) < 2 or sum(side[g][0] for g in fewer) < sv.MIN_GROUP_SIZE
    return {"found": found, "small": small, "protecting": protecting}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nothing_withheld_can_be_recovered(tmp_path, scenario, seed):
    sizes, weighted = SCENARIOS[scenario]
    path = make_file(tmp_path, seed, sizes, weighted)
    responses = sv.read_survey_responses(path)
    for question, by in [("safe", "ward_code"), ("aware", "ward_code"), ("safe", "sex"), ("aware", "age_band")]:
        check_publication(path, responses, question, by)


@pytest.mark.parametrize("question", ["feel_safe_day", "feel_safe_evening", "problem_drugs", "aware_prevent"])
@pytest.mark.parametrize("by", ["ward_code", "sex", "age_band"])
def test_nothing_withheld_can_be_recovered_from_the_generated_file(question, by):
    responses = sv.read_survey_responses(GENERATED)
    checked = check_publication(GENERATED, responses, question, by)
    if by != "age_band":  # wards and sexes of fewer than 10 exist in every question of this file
        assert checked["small"]


def test_the_attacker_recovers_a_group_withheld_alone(tmp_path):
    # The attack can succeed: withholding only the small group, as the page once did, gives it away.
    path = make_file(tmp_path, 5, [4, 12, 30, 40])
    responses = sv.read_survey_responses(path)
    side, weight_range = knowledge(path, "safe", "ward_code")
    found = attack(*hiding(responses, "safe", "ward_code", {ward(1)}), "ward_code", side, weight_range)
    assert found["subtracted"] == [ward(1)]
    assert {g for g, _ in found["solved"]} == {ward(1)}
    assert {g for g, _ in found["pinned"]} == {ward(1)}
    # ... and the page withholds the next smallest ward with it, and the attack then fails.
    overall, grouped = published(responses, "safe", "ward_code")
    assert set(grouped.loc[grouped["suppressed"], "ward_code"]) >= {ward(1), ward(2)}
    assert attack(overall, grouped, "ward_code", side, weight_range)["pinned"] == []


# ---------------------------------------------------------------------------------
# The rules at their edges
# ---------------------------------------------------------------------------------


def group(key: str, *counts: int) -> sv.GroupTotals:
    """A group of respondents who weigh 1 each, with the number giving each answer."""
    return sv.GroupTotals((key,), tuple(counts), tuple(float(c) for c in counts))


@pytest.mark.parametrize(
    ("groups", "too_few", "protecting"),
    [
        pytest.param([group("a", 5, 5), group("b", 9, 1), group("c", 30, 20)], [], [], id="10 or more: all shown"),
        # 9 + the group of 10 (b, smaller than c's 11): 19 respondents, 11 yes and 8 no: nothing pinned.
        pytest.param(
            [group("d", 20, 10), group("a", 5, 4), group("c", 6, 5), group("b", 6, 4)], ["a"], ["b"], id="9 takes 10"
        ),
        pytest.param([group("a", 1, 0), group("b", 6, 4)], ["a"], ["b"], id="1 beside 10: both"),
        pytest.param(
            [group("a", 2, 2), group("b", 3, 3), group("c", 8, 4), group("d", 15, 5)], ["a", "b"], [], id="4+6 is 10"
        ),
        pytest.param(
            [group("a", 2, 2), group("b", 3, 2), group("c", 8, 4), group("d", 15, 5)], ["a", "b"], ["c"], id="4+5 < 10"
        ),
        # a (1, yes) and b (10, all yes) together: everyone said yes, so each group's answer is known.
        pytest.param(
            [group("a", 1, 0), group("b", 10, 0), group("c", 8, 3), group("d", 30, 10)],
            ["a"],
            ["b", "c"],
            id="all withheld said yes",
        ),
        pytest.param(
            [group("z", 6, 6), group("y", 6, 6), group("a", 3, 2), group("x", 30, 3)], ["a"], ["y"], id="tie by label"
        ),
    ],
)
def test_which_groups_are_withheld(groups, too_few, protecting):
    withheld = sv.withhold(groups, weight_range=(1, 1))
    assert withheld == sv.Withheld(tuple((k,) for k in too_few), tuple((k,) for k in protecting))
    for g in groups:
        expected = sv.TOO_FEW if g.key[0] in too_few else sv.PROTECTING if g.key[0] in protecting else None
        assert withheld.reason(g.key) == expected
    assert withheld.keys == {(k,) for k in too_few + protecting}


def test_one_group_or_one_answer_withheld_is_pinned_and_answers_nobody_gave_are_not_counted():
    assert sv.pinned_figures([group("a", 3, 0, 2)], (1, 1)) == [(("a",), 0), (("a",), 2)]
    assert sv.pinned_figures([group("a", 1, 0), group("b", 10, 0)], (1, 1)) == [(("a",), 0), (("b",), 0)]
    assert sv.pinned_figures([], (1, 1)) == []


def test_a_known_range_of_weights_pins_more():
    # a: two respondents weighing 3.0 together, both "yes"; b: seven "yes" (7.0) and one "no" (0.5).
    # Knowing every weight lies in 0.4-2.0, each of a's two weighs at least 1.0, so the "no" (0.5) was
    # not theirs: a's answers, and so b's, are pinned. Knowing weights only to be positive, one of a's
    # could have been the "no" with 0.5 and the other "yes" with 2.5.
    a = sv.GroupTotals(("a",), (2, 0), (3.0, 0.0))
    b = sv.GroupTotals(("b",), (7, 1), (7.0, 0.5))
    assert sv.pinned_figures([a, b], (0.4, 2.0)) == [(("a",), 0), (("a",), 1), (("b",), 0), (("b",), 1)]
    assert sv.pinned_figures([a, b], (0.4, 2.5)) == []  # 0.5 + 2.5 = 3.0 again
    assert sv.pinned_figures([a, b]) == []


def test_shares_that_could_barely_move_are_pinned():
    # The two "no" answers weigh 0.001 each. Who gave them can change (b could have none, c both), but
    # b's weighted share of "no" stays within 0.002 / 3.001 of 0: known to within a tenth of a percent.
    b = sv.GroupTotals(("b",), (1, 1), (3.0, 0.001))
    c = sv.GroupTotals(("c",), (2, 1), (3.0, 0.001))
    assert sv.pinned_figures([b, c]) == [(("b",), 0), (("b",), 1), (("c",), 0), (("c",), 1)]
    # With "no" weighing 0.1 each the share can move by up to 0.2 / 3.1, over the half a percentage point.
    b = sv.GroupTotals(("b",), (1, 1), (3.0, 0.1))
    c = sv.GroupTotals(("c",), (2, 1), (3.0, 0.1))
    assert sv.pinned_figures([b, c]) == []
    assert sv.MIN_SHARE_RANGE == 0.005


@pytest.mark.parametrize(
    ("groups", "options", "message"),
    [
        ([group("a", 1, 2), group("b", 1)], {}, "the same answers"),
        ([group("a", -1, 2)], {}, "whole numbers of at least 0"),
        ([sv.GroupTotals(("a",), (1.5, 2), (1.0, 2.0))], {}, "whole numbers of at least 0"),
        ([sv.GroupTotals(("a",), (1, 2), (float("nan"), 2.0))], {}, "weights must be finite"),
        ([sv.GroupTotals(("a",), (1, 0), (1.0, 2.0))], {}, "0 where no one did"),
        ([group("a", 1, 2)], {"min_group_size": 0}, "min_group_size"),
        ([group("a", 1, 2)], {"weight_range": (2.0, 1.0)}, "weight_range"),
        ([group("a", 1, 2)], {"weight_range": (0.0, 1.0)}, "weight_range"),
    ],
)
def test_bad_arguments_are_refused(groups, options, message):
    with pytest.raises(sv.SurveyArgumentError, match=message):
        sv.withhold(groups, **options)


RULES_FILE = HEADER.replace("weight,", "") + "".join(  # wards of 4, 6, 12 and 20 respondents, unweighted
    f"r{w}-{a}-{i},{ward(w)},,,{a},yes\n"
    for w, answers in {
        1: {"very safe": 2, "neither": 2},
        2: {"very safe": 3, "fairly safe": 3},
        3: {"very safe": 6, "neither": 6},
        4: {"fairly safe": 20},
    }.items()
    for a, count in answers.items()
    for i in range(count)
)


def test_the_withheld_groups_together_are_one_row_figured_like_any_group(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RULES_FILE, encoding="utf-8")
    responses = sv.read_survey_responses(path)
    grouped = sv.grouped_shares(responses, "safe", "ward_code", ["very safe", "fairly safe", "neither"])
    assert list(dict.fromkeys(grouped["group"])) == [ward(1), ward(2), ward(3), ward(4), sv.WITHHELD_TOGETHER]
    reasons = grouped.drop_duplicates("group").set_index("group")["withheld_because"]
    assert reasons.isna().tolist() == [False, False, True, True, True]
    assert list(reasons[:2]) == [sv.TOO_FEW, sv.TOO_FEW]
    together = grouped[grouped["group"] == sv.WITHHELD_TOGETHER].set_index("answer")
    # Wards 1 and 2: 10 respondents, unweighted: very safe 5, fairly safe 3, neither 2.
    assert together["n"].tolist() == [5, 3, 2] and (together["group_n"] == 10).all()
    assert together["weighted_proportion"].tolist() == pytest.approx([0.5, 0.3, 0.2], abs=1e-12)
    assert (together["n_effective"] == 10).all() and not together["suppressed"].any()
    z = 1.959963984540054
    centre = (0.5 + z * z / 20) / (1 + z * z / 10)
    half = z * math.sqrt(0.25 / 10 + z * z / 400) / (1 + z * z / 10)
    assert (together.loc["very safe", "ci_lower"], together.loc["very safe", "ci_upper"]) == (
        pytest.approx(centre - half, abs=1e-12),
        pytest.approx(centre + half, abs=1e-12),
    )
    withheld = grouped[grouped["suppressed"]]
    assert withheld[["n", "group_n", "weighted_proportion", "ci_lower", "ci_upper", "n_effective"]].isna().all().all()
    # The download holds the same rows: nothing the table hides.
    assert downloaded(grouped, "ward_code")[["n", "weighted_proportion"]].isna().sum().tolist() == [6, 6]


def test_fewer_than_ten_in_all_withholds_every_figure(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "".join(f"r{i},{ward(i % 3)},,,1,very safe,yes\n" for i in range(9)), encoding="utf-8")
    responses = sv.read_survey_responses(path)
    overall, answers = sv.overall_shares(responses, "safe")
    assert overall["suppressed"].all() and overall["withheld_because"].tolist() == [sv.TOO_FEW]
    grouped = sv.grouped_shares(responses, "safe", "ward_code", answers)
    assert grouped["suppressed"].all() and sv.WITHHELD_TOGETHER not in set(grouped["group"])


def test_the_page_says_why_in_plain_words():
    assert sv.withheld_text([], protecting=[]) == ""
    assert sv.withheld_text(["Ward A"]) == "Withheld because fewer than 10 respondents in the group answered: Ward A."
    assert sv.withheld_text(["Ward A", "Ward B"], protecting=["Ward C"], together=True) == (
        "Withheld because fewer than 10 respondents in the group answered: Ward A, Ward B. "
        "Also withheld: Ward C. Otherwise the answers of the smaller groups could be worked out by taking the "
        "groups shown away from the figures for all respondents. "
        'The withheld groups are added together in the row "(withheld groups together)", which mixes several '
        "groups and so shows no single group's answers."
    )
    method = sv.respondent_method_text(40, True)
    assert "the next smallest groups are withheld with it, as many as it takes" in method


def test_a_group_named_like_the_row_of_withheld_groups_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "r1,,,,1,very safe,(withheld groups together)\n", encoding="utf-8")
    with pytest.raises(sv.SurveyArgumentError, match="a value reads '\\(withheld groups together\\)'"):
        sv.weighted_proportions(sv.read_survey_responses(path), "safe", by="q_aware")
