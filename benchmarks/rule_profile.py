"""Share of a run's time spent in each rule of the monthly step (benchmarks/run.py's profile column).

Every function that ``SocialCareModel.step`` calls from the rules (through
``model.ensemble.run_month``), the funders' calls, the Recorder and Mesa's DataCollector is wrapped in a timer; what is
left of the run's time is the step's own plumbing. The wrappers cost well
under a microsecond per call (a few hundred calls per month).

    .venv/bin/python benchmarks/rule_profile.py --providers 27000 --repeats 3
"""

from __future__ import annotations

import argparse
import collections
import inspect
import json
import time
from collections.abc import Callable
from typing import Any

import mesa
from measure import england_at

import sasci_sim.model.ensemble as model_module  # the month's schedule (run_month) calls the rules from here
from sasci_sim.model.agents import Funder
from sasci_sim.model.recording import Recorder
from sasci_sim.model.social_care import SocialCareModel


def _timed(name: str, fn: Callable[..., Any], spent: collections.Counter[str]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start

    return wrapper


def instrument(spent: collections.Counter[str]) -> None:
    """Wrap the step's callees in timers that add to ``spent`` (seconds by name)."""
    for name in dir(model_module):
        obj = getattr(model_module, name)
        # functions only: classes the rules export (state holders such as Learned) are not steps
        if inspect.isfunction(obj) and obj.__module__.startswith("sasci_sim.model.rules."):
            setattr(model_module, name, _timed(name, obj, spent))
    Funder.step = _timed("funders (calls and grants)", Funder.step, spent)
    Recorder.record = _timed("Recorder.record", Recorder.record, spent)
    mesa.DataCollector.collect = _timed("DataCollector.collect", mesa.DataCollector.collect, spent)


def profile(providers: int, innovations: int, steps: int, repeats: int) -> dict[str, Any]:
    """Median over repeats of each rule's share of the run (construction excluded)."""
    scenario = england_at(providers, innovations, steps)
    spent: collections.Counter[str] = collections.Counter()
    instrument(spent)
    shares: dict[str, list[float]] = collections.defaultdict(list)
    totals = []
    for seed in range(1, repeats + 1):
        spent.clear()
        model = SocialCareModel(scenario, rng=seed, provider_agents=False)
        start = time.perf_counter()
        model.run()
        total = time.perf_counter() - start
        totals.append(total)
        spent["step plumbing (rest)"] = total - sum(spent.values())
        for name, seconds in spent.items():
            shares[name].append(seconds / total)
    median = {name: sorted(v)[len(v) // 2] for name, v in shares.items()}
    ordered = dict(sorted(median.items(), key=lambda kv: -kv[1]))
    return {"providers": providers, "innovations": innovations, "steps": steps, "run_s": totals, "shares": ordered}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=27000)
    parser.add_argument("--innovations", type=int, default=20)
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(profile(args.providers, args.innovations, args.steps, args.repeats)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
