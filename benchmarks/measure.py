"""Measure one implementation at one size, in this (fresh) process, and print the figures as JSON.

benchmarks/run.py starts one process per implementation and size, so that peak
memory (``ru_maxrss``) belongs to that size alone. Times exclude interpreter
start and imports; each repeat builds its model afresh (one replication is
construction plus ``steps`` months).

    .venv/bin/python benchmarks/measure.py model --providers 27000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENGLAND = ROOT / "scenarios" / "england.yaml"
BASS = ROOT / "scenarios" / "validation" / "bass_limit.yaml"

#: Bass p and q for the Mesa and numpy references (those of scenarios/validation/bass_limit.yaml).
BASS_P, BASS_Q = 0.01, 0.3


def england_at(providers: int, innovations: int, steps: int) -> Any:
    """scenarios/england.yaml resized: the call budget scales with providers, as it does from the region.

    The 20 innovations of the scenario are repeated (renamed) if more are asked for.
    """
    from sasci_sim.config.loader import load_scenario, validate

    base = load_scenario(ENGLAND)
    data = base.model_dump()
    data["population"]["providers"] = providers
    data["funding"]["budget_per_call_k"] = base.funding.budget_per_call_k * providers / base.population.providers
    data["simulation"]["steps"] = steps
    data["innovations"] = _cycle(data["innovations"], innovations)
    return validate(data, f"england at {providers} providers")


def bass_at(providers: int, innovations: int, steps: int) -> Any:
    """scenarios/validation/bass_limit.yaml with ``innovations`` copies of its innovation."""
    from sasci_sim.config.loader import load_scenario, validate

    data = load_scenario(BASS).model_dump()
    data["population"]["providers"] = providers
    data["simulation"]["steps"] = steps
    data["innovations"] = _cycle(data["innovations"], innovations)
    return validate(data, f"bass limit at {providers} providers")


def _cycle(innovations: list[dict[str, Any]], m: int) -> list[dict[str, Any]]:
    out = []
    for j in range(m):
        spec = dict(innovations[j % len(innovations)])
        if j >= len(innovations):
            spec["name"] = f"{spec['name']}-{j // len(innovations)}"
        out.append(spec)
    return out


def model_runner(scenario: Any) -> Callable[[int], dict[str, Any]]:
    """One replication as run_replications does it (no Mesa Provider agents); also times building with them."""
    from sasci_sim.model.social_care import SocialCareModel

    def once(seed: int) -> dict[str, Any]:
        c0, t0 = time.process_time(), time.perf_counter()
        model = SocialCareModel(scenario, rng=seed, provider_agents=False)
        t1 = time.perf_counter()
        model.run()
        c2, t2 = time.process_time(), time.perf_counter()
        counts = model.recorder.counts[model.recorder.t]
        adopted = (counts[2] + counts[3]).sum() / counts.sum()
        del model
        t3 = time.perf_counter()
        SocialCareModel(scenario, rng=seed, provider_agents=True)
        t4 = time.perf_counter()
        return {
            "build_s": t1 - t0,
            "run_s": t2 - t1,
            "cpu_s": c2 - c0,  # this process's processor time for build and run: less sensitive to other load
            "build_with_agents_s": t4 - t3,
            "final_adopting_share": float(adopted),
        }

    return once


def mesa_runner(providers: int, innovations: int, steps: int) -> Callable[[int], dict[str, Any]]:
    from mesa_bass import BassModel

    def once(seed: int) -> dict[str, Any]:
        t0 = time.perf_counter()
        model = BassModel(providers, innovations, BASS_P, BASS_Q, rng=seed)
        t1 = time.perf_counter()
        for _ in range(steps):
            model.step()
        t2 = time.perf_counter()
        return {"build_s": t1 - t0, "run_s": t2 - t1, "final_adopting_share": statistics.mean(model.adopted_share())}

    return once


def kernel_runner(providers: int, innovations: int, steps: int) -> Callable[[int], dict[str, Any]]:
    import kernel

    def once(seed: int) -> dict[str, Any]:
        t0 = time.perf_counter()
        shares = kernel.run(providers, innovations, steps, BASS_P, BASS_Q, seed)
        return {"build_s": 0.0, "run_s": time.perf_counter() - t0, "final_adopting_share": float(shares.mean())}

    return once


def runner(args: argparse.Namespace) -> Callable[[int], dict[str, Any]]:
    n, m, steps = args.providers, args.innovations, args.steps
    if args.impl == "model":
        return model_runner(england_at(n, m, steps))
    if args.impl == "model_bass":
        return model_runner(bass_at(n, m, steps))
    if args.impl == "mesa":
        return mesa_runner(n, m, steps)
    return kernel_runner(n, m, steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("impl", choices=["model", "model_bass", "mesa", "kernel"])
    parser.add_argument("--providers", type=int, required=True)
    parser.add_argument("--innovations", type=int, default=20)
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tracemalloc", action="store_true", help="also one untimed run under tracemalloc")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    once = runner(args)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    runs = [once(seed) for seed in range(1, args.repeats + 1)]
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out: dict[str, Any] = {
        "impl": args.impl,
        "providers": args.providers,
        "innovations": args.innovations,
        "steps": args.steps,
        "runs": runs,
        "maxrss_mb": rss_after / 1024,  # kilobytes on Linux
        "maxrss_before_runs_mb": rss_before / 1024,
    }
    if args.tracemalloc:
        tracemalloc.start()
        once(args.repeats + 1)
        out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
