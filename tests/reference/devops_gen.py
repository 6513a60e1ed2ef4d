#!/usr/bin/env python3
"""devops_gen.py COUNT SEED: accounts for rules/gitlab/devops_score.rules, as CSV.

The columns the policy reads (account_id, tier, billable_users and the seven
feature columns), with what makes its figures hard to get right:
- empty cells (na) in every column, the tier among them;
- billable_users of 0 (every utilization na), and small counts, so that many
  accounts share a utilization (ties at the top level and in the ranks);
- feature users of 0, equal to billable_users (utilization exactly 1), and
  above it (a utilization over 1, clamped to 1 against the top level);
- a feature almost nobody uses (secret detection: the top level is 0, so
  every account's value for it is na);
- tiers spelled the way exports spell them, and an odd one with few accounts.
billable_users stays at or below 100,000 (docs/language.md says why).
"""
import csv
import random
import sys

FEATURES = ["active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployment_users_l28d",
            "secure_scanner_users_l28d", "container_scanning_users_l28d", "secret_detection_users_l28d"]
TIERS = ["free", "premium", "ultimate", "premium", "ultimate", "Premium", "starter"]


def billable(rng):
    r = rng.random()
    if r < 0.03:
        return "0"
    if r < 0.06:
        return ""
    if r < 0.40:
        return str(rng.randint(1, 12))       # small: utilizations tie
    if r < 0.97:
        return str(rng.randint(13, 5000))
    return str(rng.randint(5001, 100000))


def users(rng, b, feature):
    if rng.random() < 0.05:
        return ""
    n = int(b) if b not in ("", "0") else rng.randint(0, 50)
    if feature == "secret_detection_users_l28d" and rng.random() < 0.95:
        return "0"
    r = rng.random()
    if r < 0.10:
        return "0"
    if r < 0.18:
        return str(n)                        # every user
    if r < 0.21:
        return str(n + rng.randint(1, 5))    # more than billable
    return str(rng.randint(0, n))


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["account_id", "tier", "billable_users"] + FEATURES)
    for i in range(count):
        tier = "" if rng.random() < 0.03 else rng.choice(TIERS)
        b = billable(rng)
        w.writerow([f"ACC-{i + 1:06d}", tier, b] + [users(rng, b, f) for f in FEATURES])


if __name__ == "__main__":
    main()
