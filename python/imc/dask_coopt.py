"""The co-optimizer on a dask.distributed cluster (docs/coopt.md, "On a
cluster"): the same search as :func:`imc.coopt`, its designs evaluated by
Dask workers, the result identical to the single-process run.

Exhaustive: the space's evaluation order is cut into parts (positions
[begin, end)), each evaluated by a worker (``_imc.coopt_part``); the parts
are combined here (``_imc.coopt_combine``: the designs by index, regrets,
front, choice). NSGA-II: the genetic algorithm runs here and each
generation's new designs are shared out over the workers
(``_imc.coopt_designs``). Workers need ``imc`` importable (PYTHONPATH).
"""
import math
import time

from . import _imc


def _client(dask):
    """A distributed.Client and whether it (and its cluster) is ours to
    close: ``dask`` is a Client, a scheduler address, or ``"local"`` /
    ``"local:N"`` (a LocalCluster of N single-threaded worker processes,
    default 2)."""
    import distributed
    if isinstance(dask, distributed.Client):
        return dask, False
    if not isinstance(dask, str) or not dask:
        raise ValueError("dask must be a distributed.Client, a scheduler "
                         "address or 'local[:N]', got %r" % (dask,))
    if dask == "local" or dask.startswith("local:"):
        n = 2
        if dask.startswith("local:"):
            try:
                n = int(dask[len("local:"):])
            except ValueError:
                n = 0
            if not 1 <= n <= 256:
                raise ValueError("dask='local:N' needs N in [1, 256], got %r"
                                 % dask)
        cluster = distributed.LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True,
            dashboard_address=None, silence_logs=50)
        return distributed.Client(cluster), True
    return distributed.Client(dask, timeout=30), False


def _part(profiles, space, begin, end):
    from imc import _imc as m
    return m.coopt_part(profiles, space, begin, end, 1)


def _designs(profiles, space, indexes):
    from imc import _imc as m
    return m.coopt_designs(profiles, space, indexes, 1)


def _workers(client):
    return max(1, len(client.scheduler_info().get("workers", {})))


def coopt(profiles, space, weights, search, population, generations, seed,
          dask, count=None, collect=None):
    """The result JSON text of the search on the cluster ``dask``; with
    ``collect`` (a list), NSGA-II also appends there the part JSON texts
    the workers return (every design it visited, once)."""
    client, own = _client(dask)
    try:
        start = time.time()
        if search == "exhaustive":
            texts = evaluate_parts(profiles, space, client, count)
            return _imc.coopt_combine(profiles, space, texts, weights,
                                      time.time() - start)

        workers = _workers(client)
        [prof] = client.scatter([profiles], broadcast=True)

        def remote(indexes):
            if not indexes:
                return []
            step = math.ceil(len(indexes) / max(1, min(len(indexes),
                                                        workers)))
            futures = [client.submit(_designs, prof, space,
                                     list(indexes[i:i + step]), pure=False)
                       for i in range(0, len(indexes), step)]
            texts = client.gather(futures)
            if collect is not None:
                collect.extend(texts)
            return texts

        return _imc.coopt(profiles, space, 1, weights, search, population,
                          generations, seed, remote)
    finally:
        if own:
            cluster = client.cluster
            client.close()
            cluster.close()


def evaluate_parts(profiles, space, dask, count=None):
    """The exhaustive search's parts (part JSON texts), evaluated on the
    cluster ``dask``; ``imc-coopt --dask`` combines them."""
    client, own = _client(dask)
    try:
        workers = _workers(client)
        [prof] = client.scatter([profiles], broadcast=True)
        n = _imc.coopt_size(space)
        count = count or max(1, min(n, 8 * workers))
        step = max(1, math.ceil(n / count))
        futures = [client.submit(_part, prof, space, b, min(n, b + step),
                                 pure=False) for b in range(0, n, step)]
        return client.gather(futures)
    finally:
        if own:
            cluster = client.cluster
            client.close()
            cluster.close()


def _main(argv):
    """python3 -m imc.dask_coopt PROFILES SPACE OUT --dask ADDR [--parts N]
    [--search nsga2 --population P --generations G --seed S --weights W,..]:
    writes to OUT (imc-coopt --dask) {"parts": [part JSON texts]} (the
    exhaustive search's parts, or every design NSGA-II visited) and, for
    NSGA-II, "objective_calls"."""
    import argparse
    import json
    import sys
    ap = argparse.ArgumentParser(prog="imc.dask_coopt")
    ap.add_argument("profiles")
    ap.add_argument("space")
    ap.add_argument("out")
    ap.add_argument("--dask", required=True)
    ap.add_argument("--parts", type=int, default=0)
    ap.add_argument("--search", default="exhaustive",
                    choices=["exhaustive", "nsga2"])
    ap.add_argument("--population", type=int, default=70)
    ap.add_argument("--generations", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--weights", default="")
    a = ap.parse_args(argv)
    try:
        with open(a.profiles) as f:
            profiles = f.read()
        with open(a.space) as f:
            space = f.read()
        out = {}
        if a.search == "nsga2":
            texts = []
            weights = [float(x) for x in a.weights.split(",") if x]
            r = json.loads(coopt(profiles, space, weights, "nsga2",
                                 a.population, a.generations, a.seed, a.dask,
                                 collect=texts))
            out["objective_calls"] = r["objective_calls"]
        else:
            texts = evaluate_parts(profiles, space, a.dask, a.parts or None)
        out["parts"] = texts
        with open(a.out, "w") as f:
            json.dump(out, f)
    except Exception as e:  # one line for imc-coopt to report
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        sys.stderr.write("%s\n" % msg[:300])
        return 1
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(_main(sys.argv[1:]))
