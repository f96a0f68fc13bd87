r"""Every image model trained to its plateau on full Fashion-MNIST, scored during training.

    python scripts/benchmarks/plateau.py                       # every model, seeds 0 and 1
    python scripts/benchmarks/plateau.py --models=dcgan --seeds=0
    python scripts/benchmarks/plateau.py --models=sngan --seeds=0 \
        --model_args=architecture=resnet --budget_steps=2000   # another backbone, its own row
    python scripts/report.py                                   # docs/benchmarks.md's table

Each run is one command a user could type:

    ganzoo-train --model=<model> --dataset=<fashion-mnist> --seed=<seed> --steps=<budget> \
        --eval_every=1 --eval_features=domain:<classifier> --eval_split=test \
        --eval_samples=2000 --stop_at_plateau=5 --model_dir=<work_dir>/<model>_seed<seed>

on the 60,000 training images with the model's Fashion-MNIST recipe (batch 64), scored after
every epoch (937 steps) on 2,000 samples against 2,000 of the test images, and stopped at
the plateau (5 evaluations in a row without lowering the best FID by 2 %) or at the model's
step budget, whichever comes first; then `ganzoo-evaluate` scores the final model on 10,000
samples against the 10,000 test images. Each run is sized to stay under two hours on 2 CPU
cores (BUDGETS). A run stopped midway (a killed session) resumes exactly when this command is
run again; a finished run is not trained again. Every finished run updates --output
(results/fashion_plateau.json) with its curve, its stop and its final scores.

--model_args (name=value, e.g. architecture=resnet) are added to every training command as
flags; such a run is a row of its own (model and arguments), beside the model's default run.

The domain classifier is `ganzoo-train-classifier` on the training images, tested on the test
images (15 epochs); put one at <work_dir>/fashion_classifier.keras to reuse it.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common, selection  # noqa: E402

MODELS = ("dcgan", "lsgan", "sngan", "wgan_gp", "cgan", "acgan", "stylegan2")
# Generator steps at most, per model: 30,000 (32 epochs) unless the model's step is slow
# enough that 30,000 would pass two hours on 2 cores (wgan_gp: 5 critic steps with a penalty;
# stylegan2: about 0.8 s a step at its defaults, 5,000 steps in 83 minutes with the scoring).
BUDGETS = {"wgan_gp": 12_000, "stylegan2": 5_000}
DEFAULT_BUDGET = 30_000
PATIENCE = 5  # evaluations, one an epoch
EVAL_SAMPLES = 2000
FINAL_SAMPLES = 10_000

flags.DEFINE_list("models", list(MODELS), "Models to train, in this order.")
flags.DEFINE_list("seeds", ["0", "1"], "Seeds; each model runs at every seed.")
flags.DEFINE_integer("budget_steps", None, "Step budget of every run (default: BUDGETS).",
                     lower_bound=1)
flags.DEFINE_list("model_args", [], "Arguments of every model trained, as name=value "
                  "(e.g. architecture=resnet); each becomes --name=value of its training.")
flags.DEFINE_string("dataset", common.FASHION_MNIST, "Fashion-MNIST's idx folder.")
flags.DEFINE_string("work_dir", "runs/plateau", "Runs, their logs and the classifier.")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "fashion_plateau.json"),
                    "The results file docs/benchmarks.md's tables are written from.")
FLAGS = flags.FLAGS


def _budget(model):
    return FLAGS.budget_steps or BUDGETS.get(model, DEFAULT_BUDGET)


def _given(model_args):
    """--model_args as training flags: {"architecture": "resnet"} -> ["--architecture=resnet"]."""
    return [f"--{name}={str(value).lower() if isinstance(value, bool) else value}"
            for name, value in model_args.items()]


def _run_name(model, model_args, seed):
    """The run's folder: sngan_seed0, or sngan_architecture-resnet_seed0 with arguments."""
    given = "".join(f"_{name}-{value}" for name, value in sorted(model_args.items()))
    return f"{model}{given}_seed{seed}"


def _train_command(model, seed, run_dir, classifier, budget, model_args=None):
    return common.script(
        "train.py", f"--model={model}", *_given(model_args or {}), f"--dataset={FLAGS.dataset}",
        f"--seed={seed}", f"--steps={budget}", "--eval_every=1",
        f"--eval_features=domain:{classifier}", "--eval_split=test",
        f"--eval_samples={EVAL_SAMPLES}", f"--stop_at_plateau={PATIENCE}",
        f"--model_dir={run_dir}", "--verbose=2",
    )


def _evaluate_command(run_dir, classifier, scores):
    return common.script(
        "evaluate.py", f"--checkpoint={run_dir}", f"--dataset={FLAGS.dataset}", "--split=test",
        f"--features=domain:{classifier}", f"--num_samples={FINAL_SAMPLES}",
        f"--output_json={scores}",
    )


def _run(model, seed, classifier, model_args):
    """Train (or resume) and score one run; its entry of the results file."""
    from ganzoo import quality_log

    name = _run_name(model, model_args, seed)
    run_dir = os.path.join(FLAGS.work_dir, name)
    scores = os.path.join(FLAGS.work_dir, f"{name}.scores.json")
    budget = _budget(model)
    final, _ = common.train_and_score(
        FLAGS.work_dir, name,
        _train_command(model, seed, run_dir, classifier, budget, model_args),
        _evaluate_command(run_dir, classifier, scores), scores,
    )
    # The run's own record times the training (evaluations excluded, summed over resumes).
    records = quality_log.read(os.path.join(run_dir, quality_log.FILE_NAME))
    best = quality_log.best(records)
    run = common.read_json(os.path.join(run_dir, "run.json"))
    entry = {
        "model": model, "seed": seed, "model_arguments": run["model_arguments"],
        "batch_size": run["data"]["batch_size"], "budget_steps": budget,
        "steps": records[-1]["step"], "train_seconds": records[-1]["train_seconds"],
        "stopped_by": "budget" if records[-1]["step"] >= budget else "plateau",
        "eval_seconds": round(sum(r["eval_seconds"] for r in records), 2),
        "best": {key: best[key] for key in ("step", "train_seconds", "fid")},
        "final": {key: final[key] for key in (
            "fid", "kid", "precision", "recall", "class_accuracy", "intra_class_fid",
            "class_accuracy_per_class") if key in final},
        "curve": records,
    }
    if model_args:
        entry["model_args"] = model_args
    return entry


def _key(run):
    """What makes a run its own row: model, --model_args, seed."""
    return run["model"], sorted(run.get("model_args", {}).items()), run["seed"]


def _check_model_args(model_args):
    """GanzooError (one line, from the model's own checks) before anything is trained where a
    model does not take --model_args."""
    import ganzoo

    if model_args:
        for model in FLAGS.models:
            ganzoo.get_model(model, data_shape=(28, 28, 1), **model_args)


def main(argv):
    del argv
    common.require_fashion_mnist(FLAGS.dataset)
    common.check_choices("models", FLAGS.models, MODELS)
    model_args = selection.parse_model_args(FLAGS.model_args)
    _check_model_args(model_args)
    os.makedirs(FLAGS.work_dir, exist_ok=True)
    classifier = os.path.join(FLAGS.work_dir, "fashion_classifier.keras")
    classifier_args = [f"--dataset={FLAGS.dataset}", "--train_split=train",
                       "--test_split=test", "--epochs=15", f"--output={classifier}"]
    common.made_once(classifier, common.script("train_classifier.py", *classifier_args),
                     os.path.join(FLAGS.work_dir, "classifier.log"))
    record = common.read_json(classifier + ".json")
    results = (common.read_json(FLAGS.output) if os.path.isfile(FLAGS.output)
               else {"runs": []})
    for seed in FLAGS.seeds:
        for model in FLAGS.models:
            entry = _run(model, int(seed), classifier, model_args)
            runs = [r for r in results["runs"] if _key(r) != _key(entry)]
            results.update(
                date=common.today(), machine=common.machine(),
                description=__doc__.split("\n\n")[0].strip(),
                train_command=common.shown(_train_command(
                    "<model>", "<seed>", "<run>", "<classifier>", "<budget>")).replace(
                        FLAGS.dataset, "<fashion-mnist>"),
                evaluate_command=common.shown(_evaluate_command(
                    "<run>", "<classifier>", "<scores.json>")).replace(
                        FLAGS.dataset, "<fashion-mnist>"),
                classifier={
                    "command": common.shown(common.script(
                        "train_classifier.py", *classifier_args)).replace(
                            FLAGS.dataset, "<fashion-mnist>").replace(classifier, "<classifier>"),
                    "test_accuracy": record["test_accuracy"],
                    "sha256": record["weights_sha256"],
                },
                runs=sorted(runs + [entry], key=lambda r: (MODELS.index(r["model"]), *_key(r)[1:])),
            )
            common.write_json(FLAGS.output, results)
            print(f"{_run_name(model, model_args, seed)}: {entry['steps']} steps "
                  f"({entry['stopped_by']}), "
                  f"{entry['train_seconds'] / 60:.0f} min, final FID {entry['final']['fid']:.3f}",
                  flush=True)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
