r"""Does augmenting what D sees help on little data? DiffAugment and ADA against none.

    python scripts/benchmarks/augment.py                          # both data sets, 3 seeds
    python scripts/benchmarks/augment.py --data=digits --seeds=0
    python scripts/report.py                                      # docs/benchmarks.md

Each run is one command a user could type, the same for the three augmentations:

    ganzoo-train --model=dcgan --dataset=<data> --split=<split> --steps=<steps> \
        --augment=none|diffaugment|ada --seed=<seed> --model_dir=<run> --export_dir=

on DATA: the 1,797 embedded digits (scored against themselves, as low-shot GAN papers score
against their training set) and 10 % of Fashion-MNIST's training images (6,000; scored against
the 10,000 test images), equal steps for the three. DiffAugment takes its paper's policy
(color,translation,cutout); ADA its target 0.6 and ganzoo's ada_kimg (100). Then
`ganzoo-evaluate` scores 2,000 samples in a domain classifier's features (trained on the digits'
80 % / tested on 20 %; on Fashion-MNIST's training images / tested on its test images). The
training seconds of each run give each augmentation's cost beside none's (runs one after the
other on the same cores: a ratio, not a same-process measurement). A finished run is not
trained again; --output (results/augment.json) is rewritten after every run.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

AUGMENTS = ("none", "diffaugment", "ada")
# name: (dataset, training split, steps, real images scored against (dataset, split)).
DATA = {
    "digits": ("digits", "train", 3000, ("digits", "train")),
    "fashion_10": (common.FASHION_MNIST, "train[:10%]", 6000, (common.FASHION_MNIST, "test")),
}
EVAL_SAMPLES = 2000

flags.DEFINE_list("data", list(DATA), f"Data sets, of: {', '.join(DATA)}.")
flags.DEFINE_list("augments", list(AUGMENTS), "Augmentations to compare.")
flags.DEFINE_list("seeds", ["0", "1", "2"], "Seeds of every (data, augmentation).")
flags.DEFINE_string("work_dir", "runs/augment", "Runs, their logs and the classifiers.")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "augment.json"),
                    "The results file docs/benchmarks.md's table is written from.")
FLAGS = flags.FLAGS


def _classifier(name):
    """The domain classifier of data set `name` (trained once into --work_dir)."""
    dataset = DATA[name][0]
    path = os.path.join(FLAGS.work_dir, f"{name}_classifier.keras")
    splits = (["--train_split=train[:80%]", "--test_split=train[80%:]"] if dataset == "digits"
              else ["--train_split=train", "--test_split=test"])
    common.made_once(path, common.script("train_classifier.py", f"--dataset={dataset}", *splits,
                                         "--epochs=15", f"--output={path}"),
                     os.path.join(FLAGS.work_dir, f"{name}_classifier.log"))
    return path


def _run(name, augment, seed, classifier):
    dataset, split, steps, (real, real_split) = DATA[name]
    run = f"{name}_{augment}_seed{seed}"
    run_dir = os.path.join(FLAGS.work_dir, run)
    scores = os.path.join(FLAGS.work_dir, f"{run}.scores.json")
    final, train_seconds = common.train_and_score(
        FLAGS.work_dir, run,
        common.script("train.py", "--model=dcgan", f"--dataset={dataset}", f"--split={split}",
                      f"--steps={steps}", f"--augment={augment}", f"--seed={seed}",
                      f"--model_dir={run_dir}", "--export_dir=", "--verbose=2"),
        common.script("evaluate.py", f"--checkpoint={run_dir}", f"--dataset={real}",
                      f"--split={real_split}", f"--features=domain:{classifier}",
                      f"--num_samples={EVAL_SAMPLES}", f"--output_json={scores}"),
        scores,
    )
    return {"data": name, "augment": augment, "seed": seed, "steps": steps,
            "train_seconds": train_seconds,
            **{key: final[key] for key in ("fid", "kid", "precision", "recall")}}


def main(argv):
    del argv
    common.check_choices("data", FLAGS.data, DATA)
    common.check_choices("augments", FLAGS.augments, AUGMENTS)
    if "fashion_10" in FLAGS.data:
        common.require_fashion_mnist(common.FASHION_MNIST)
    os.makedirs(FLAGS.work_dir, exist_ok=True)
    results = (common.read_json(FLAGS.output) if os.path.isfile(FLAGS.output)
               else {"runs": []})
    # Every command whose runs the file holds (a later one may add seeds or data sets).
    # The file's earlier single "command" (before it kept them all) is one of them.
    command = common.command_line(__file__)
    commands = [*([results.pop("command")] if "command" in results else []),
                *results.get("commands", [])]
    if command not in commands:
        commands.append(command)
    for name in FLAGS.data:
        classifier = _classifier(name)
        for seed in map(int, FLAGS.seeds):
            for augment in FLAGS.augments:
                entry = _run(name, augment, seed, classifier)
                kept = [r for r in results["runs"]
                        if (r["data"], r["augment"], r["seed"]) != (name, augment, seed)]
                results.update(
                    date=common.today(), machine=common.machine(),
                    description=__doc__.split("\n\n")[0].strip(),
                    commands=commands,
                    runs=sorted(kept + [entry], key=lambda r: (
                        list(DATA).index(r["data"]), AUGMENTS.index(r["augment"]), r["seed"])),
                )
                common.write_json(FLAGS.output, results)
                print(f"{name} {augment} seed {seed}: FID {entry['fid']:.3f}, "
                      f"{entry['train_seconds']} s", flush=True)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
