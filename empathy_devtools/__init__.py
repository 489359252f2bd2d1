"""Developer tooling beside the pipeline package `orchestration`: never imported by it at run
time except through the `empathy` commands that exist for it.

- `demo`: the demo export generator and its planted effects with their ground truth
  (`make run` writes demo exports when the landing folder is empty).
- `bench`: `make bench` (`empathy bench`), figures in docs/benchmarks/.
- `text_eval`: `make eval-text` (`empathy eval-text`): the text scorer against labelled
  public data, its throughput, and the emotion benchmark.
"""
