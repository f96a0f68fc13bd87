r"""Build the shipped zoo: train, export, score and document each model of scripts/zoo_table.py.

    python scripts/build_zoo.py --models=dcgan_digits          # or: ganzoo-build-zoo
    python scripts/build_zoo.py                                # every shipped model, one by one
    python scripts/build_zoo.py --models=dcgan_digits --check  # does its card's command still
                                                               # give its card's fingerprint?

A build of `<name>` runs exactly the `ganzoo-train` command of the table (in a subprocess;
--model_dir, --export_dir and --verbose=2 are added, which choose where files go and what is
printed, not the weights), checks that the last checkpoint has the fingerprint ganzoo-train
printed, scores it (image data: `ganzoo-evaluate` with the versioned domain classifier of that
data, trained by `ganzoo-train-classifier` with a fixed seed into --classifiers_dir if absent;
2-D data: ganzoo.metrics.mode_coverage of 2,500 samples), draws samples.png with
`ganzoo-sample`, and writes the model card. Only then does it replace the shipped files in
<root>/<name>/ (version 1, config.json, weights.weights.h5, samples.png, model_card.md; see
ganzoo/pretrained.py), leaving other versions there alone. Last it rewrites <root>/models.config
(the shipped models, for TF Serving's --model_config_file, seen at --serving_base_path), the
table in <root>/README.md and the list of tracked folders in the .gitignore beside <root>,
each between their markers.

`--check` retrains with the command recorded in the card (in a temporary directory, nothing
exported) and exits with status 1 and one line per model whose fingerprint differs. Runs are
deterministic on one device (fixed seed, stateless noise); every command pins
`--precision=float32`, since `auto` picks bfloat16 on CPUs that have it, which rounds
differently. Another kind of CPU or GPU may still round differently (other kernels).

`--steps_override=N` trains N steps instead of the table's budget: a debugging aid for trying
the build end to end in seconds (with --saved_models_root=<a temporary folder>); the card then
shows the command that actually ran.
"""

import dataclasses
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # `cli`, `zoo_table` in a checkout

import cli  # noqa: E402
from absl import flags  # noqa: E402
from zoo_table import (  # noqa: E402
    CAPTION_MARKERS, DATA, FASHION_MONTAGE, GITIGNORE_MARKERS, MODE_SAMPLES, MONTAGE,
    PINNED_ARGS, README_MARKERS, SAMPLE_SEED, SHIPPED, caption_builds, fashion_caption,
    fashion_folders, flag_value, shipped_path, shown, with_steps)

SCRIPTS = os.path.dirname(os.path.abspath(__file__))

flags.DEFINE_list("models", list(SHIPPED), "Shipped models to build (or --check).")
flags.DEFINE_bool("check", False, "Retrain each model with its card's command in a temporary "
                  "directory and compare the fingerprint with its card's; nothing is written.")
flags.DEFINE_string("saved_models_root", "saved_models", "Where the shipped folders go.")
flags.DEFINE_string("classifiers_dir", "classifiers", "Domain classifiers: used if present, "
                    "else trained (with a fixed seed) and kept here.")
flags.DEFINE_string("serving_base_path", "/models", "Where TF Serving sees --saved_models_root "
                    "(the tensorflow/serving image mounts /models), for models.config.")
flags.DEFINE_integer("steps_override", None, "Debugging: train this many steps instead of the "
                     "table's --epochs/--steps.", lower_bound=1)
FLAGS = flags.FLAGS


# ----------------------------------------------------------------------------- commands
def run_script(script, args, log):
    """Run scripts/<script> with `args`, echoing its output indented; returns the output.

    Raises:
        GanzooError: it exited with an error (its output has been echoed).
    """
    from ganzoo.errors import GanzooError

    process = subprocess.Popen(
        [sys.executable, os.path.join(SCRIPTS, script), *args], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, bufsize=1,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        log(f"    {line.rstrip()}")
    if process.wait():
        raise GanzooError(f"{script} failed (exit status {process.returncode}); see above")
    return "".join(lines)


def train(train_args, model_dir, export_dir, log):
    """Run ganzoo-train; returns (printed fingerprint, wall seconds)."""
    from ganzoo.errors import GanzooError

    start = time.monotonic()
    output = run_script("train.py", [*train_args, f"--model_dir={model_dir}",
                                     f"--export_dir={export_dir}", "--verbose=2"], log)
    seconds = time.monotonic() - start
    match = re.search(r"^weights fingerprint: ([0-9a-f]{16})$", output, re.M)
    if match is None:
        raise GanzooError("ganzoo-train printed no 'weights fingerprint: <16 hex digits>' line")
    return match.group(1), seconds


# ----------------------------------------------------------------------------- the record
def machine():
    """{"machine", "cpu", "cores" (logical CPUs), "tensorflow", "keras"} of this process."""
    import keras
    import tensorflow as tf

    cpu = platform.processor() or "unknown CPU"
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo
                        if line.startswith("model name")), cpu)
    return {"machine": platform.machine(), "cpu": cpu, "cores": os.cpu_count(),
            "tensorflow": tf.__version__, "keras": keras.__version__}


def commit():
    """(`git rev-parse HEAD` of ganzoo's checkout or "unknown", its changed tracked files)."""
    import ganzoo

    checkout = os.path.dirname(os.path.dirname(os.path.abspath(ganzoo.__file__)))

    def git(*args):
        result = subprocess.run(["git", "-C", checkout, *args], capture_output=True, text=True)
        return result.stdout if result.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "ganzoo", "scripts",
                  "setup.cfg")
    # Porcelain lines are "XY path": two status letters and a space.
    return (head or "unknown").strip(), [line[3:] for line in (changed or "").splitlines()]


def shipped_size(folder):
    """Bytes of a shipped folder's shipped entries (version 1, config, weights, samples, card;
    other versions users exported are not shipped)."""
    from ganzoo import pretrained

    total = 0
    for entry in pretrained.SHIPPED_ENTRIES:
        path = os.path.join(folder, entry)
        if os.path.isfile(path):
            total += os.path.getsize(path)
        for parent, _, files in os.walk(path):
            total += sum(os.path.getsize(os.path.join(parent, f)) for f in files)
    return total


# ----------------------------------------------------------------------------- scoring
def classifier(dataset, classifiers_dir, log):
    """(path, metadata, the command that trains it) of the domain classifier of `dataset`,
    trained first when absent."""
    from ganzoo import run_dirs

    path = os.path.join(classifiers_dir, f"{run_dirs.dataset_slug(dataset)}.keras")
    args = (*DATA[dataset].classifier_args, f"--output={path}")
    if not os.path.isfile(path):
        log(f"  training the domain classifier: {shown('ganzoo-train-classifier', args)}")
        run_script("train_classifier.py", args, log)
    with open(path + ".json") as metadata:
        return path, json.load(metadata), shown("ganzoo-train-classifier", args)


def score_images(name, version_dir, dataset, work, classifiers_dir, log):
    """ganzoo-evaluate's scores of a SavedModel, with the command shown in the card."""
    data = DATA[dataset]
    path, metadata, classifier_command = classifier(dataset, classifiers_dir, log)
    args = [f"--dataset={dataset}", f"--split={data.eval_split}", f"--features=domain:{path}",
            f"--num_samples={data.eval_samples}", f"--seed={SAMPLE_SEED}"]
    scores_path = os.path.join(work, "scores.json")
    run_script("evaluate.py", [f"--saved_model={version_dir}", *args,
                               f"--output_json={scores_path}"], log)
    with open(scores_path) as scores:
        scores = json.load(scores)
    return {
        "kind": "images", "scores": scores,
        "command": shown("ganzoo-evaluate", [f"--saved_model={shipped_path(name)}", *args]),
        "classifier": {"name": scores["feature_extractor"],
                       "held_out_accuracy": metadata["test_accuracy"],
                       "command": classifier_command},
    }


def score_modes(version_dir, dataset):
    """Mode coverage of MODE_SAMPLES samples of the SavedModel's `sample` signature."""
    import tensorflow as tf

    from ganzoo import data, export, metrics

    samples = export.load_signature(version_dir, "sample")(
        num_samples=tf.constant(MODE_SAMPLES, tf.int32), seed=tf.constant(SAMPLE_SEED, tf.int64)
    )["samples"].numpy()
    coverage = metrics.mode_coverage(samples, *data.mode_centers(dataset))
    return {
        "kind": "modes", "scores": dataclasses.asdict(coverage),
        "command": f"ganzoo.metrics.mode_coverage of {MODE_SAMPLES:,} samples of the `sample` "
                   f"signature with seed {SAMPLE_SEED}, against ganzoo.data.mode_centers"
                   f"({dataset!r})",
    }


def sample_args(scoring, conditional):
    """ganzoo-sample's arguments for the card's grid, beside --saved_model and --output."""
    if scoring == "modes":
        return [f"--num_samples={MODE_SAMPLES}", f"--seed={SAMPLE_SEED}"]
    if conditional:  # one row per class, the same noise in every column
        return ["--per_class=8", f"--seed={SAMPLE_SEED}"]
    return ["--num_samples=64", f"--seed={SAMPLE_SEED}"]


def quality_summary(quality):
    """A short line of the main scores, for the README table."""
    scores = quality["scores"]
    if quality["kind"] == "modes":
        return (f"{scores['modes_captured']}/{scores['num_modes']} modes, "
                f"{scores['high_quality_percent']:.1f} % high quality")
    line = (f"FID {scores['fid']:.1f}, KID {scores['kid']:.3f}, P {scores['precision']:.2f}, "
            f"R {scores['recall']:.2f}")
    if "class_accuracy" in scores:
        line += f", class acc. {scores['class_accuracy']:.2f}"
    return line


def quality_rows(quality):
    """The card's quality table rows (metric, value)."""
    scores = quality["scores"]
    if quality["kind"] == "modes":
        return [
            ("modes captured", f"{scores['modes_captured']} of {scores['num_modes']}"),
            ("high-quality samples", f"{scores['high_quality_percent']:.1f} %"),
            ("reverse KL over the modes", f"{scores['reverse_kl']:.3f}"),
            ("high-quality samples per mode", ", ".join(map(str, scores["samples_per_mode"]))),
        ]
    rows = [("FID", f"{scores['fid']:.2f}"),
            ("KID", f"{scores['kid']:.4f} +- {scores['kid_std_error']:.4f}"),
            ("precision", f"{scores['precision']:.3f}"), ("recall", f"{scores['recall']:.3f}")]
    if "class_accuracy" in scores:
        rows += [("class accuracy", f"{scores['class_accuracy']:.3f}"),
                 ("intra-class FID", f"{scores['intra_class_fid']:.2f}")]
    return rows + [("samples (generated / real)",
                    f"{scores['num_generated']:,} / {scores['num_real']:,}")]


# ----------------------------------------------------------------------------- the card
def card_text(name, config, size_bytes):
    """The model card (Markdown) of a shipped model from its config.json dict."""
    from ganzoo import pretrained

    build, model = config["build"], config["config"]
    quality = build["quality"]
    kind = "unconditional"
    if model.get("class_names"):
        kind = f"class-conditional, {len(model['class_names'])} classes"
    lines = [
        f"# {name}", "",
        f"`{config['model']}` ({kind}) trained on {build['data']}.", "",
        "![samples](samples.png)", "",
        f"*{build['samples_caption']}: `{build['sample_command']} --output=runs/samples.png`.*", "",
        "| | |", "|---|---|",
        f"| model | `{config['model']}`; arguments in config.json |",
        f"| data shape | {' x '.join(map(str, model['data_shape']))} |",
        f"| training command | `{build['train_command']}` |",
        f"| steps | {build['steps']:,} generator steps at batch {build['batch_size']} |",
        f"| wall time | {build['wall_seconds']:,.0f} s for the whole command (start-up, data, "
        f"training, export); load average {build['load_average']:.1f} at its start |",
        f"| machine | {build['machine']['machine']}, {build['machine']['cpu']}, "
        f"{build['machine']['cores']} logical CPUs; TensorFlow {build['machine']['tensorflow']}, "
        f"Keras {build['machine']['keras']} |",
        f"| commit | `{build['commit']}`" + (
            f" plus uncommitted changes to {', '.join(build['changed_files'])}"
            if build["changed_files"] else "") + " |",
        pretrained.FINGERPRINT_ROW.format(build["fingerprint"]),
        f"| size on disk | {size_bytes / 1e6:.1f} MB (version 1, config, weights, samples) |",
        "", "## Quality", "",
        "| metric | value |", "|---|---|",
        *(f"| {metric} | {value} |" for metric, value in quality_rows(quality)),
        "",
    ]
    if quality["kind"] == "images":
        lines += [
            f"Measured with `{quality['command']}`: feature extractor "
            f"`{quality['classifier']['name']}` (version and weights hash), held-out accuracy "
            f"{quality['classifier']['held_out_accuracy']:.3f} by its .json; where the file is "
            f"absent the build trains it with `{quality['classifier']['command']}`. Scores "
            f"compare only between models scored with the same classifier file.", "",
        ]
    else:
        lines += [f"Measured with {quality['command']}: a sample is high quality within 3 std "
                  f"of its nearest mode, a mode is captured with at least 20 of them.", ""]
    lines += [
        "## Rebuild", "",
        f"`ganzoo-build-zoo --models={name}` retrains it with the training command (adding "
        "--model_dir and --export_dir in a temporary directory and --verbose=2, which do not "
        "change the weights), rescores it and rewrites this folder; "
        f"`ganzoo-build-zoo --models={name} --check` retrains it in a temporary directory and "
        "says whether the weights fingerprint is the one above (runs are deterministic on one "
        "device of the same kind).", "",
        "## Use", "",
        "```bash",
        f"ganzoo-sample --saved_model=saved_models/{name} --output=runs/grid.png",
        f"docker run --rm -p 8501:8501 -v \"$PWD/saved_models/{name}:/models/{name}\" "
        f"-e MODEL_NAME={name} tensorflow/serving:2.21.0",
        "```", "",
        "```python",
        "import ganzoo",
        f"model = ganzoo.load_pretrained(\"saved_models/{name}\")   # to fine-tune: model.fit(...)",
        "```", "",
    ]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- one model
def build_one(name, entry, root, classifiers_dir, steps_override, log):
    """Train, score and document `name`, then replace its shipped files under `root`."""
    import keras

    from ganzoo import pretrained, train_lib
    from ganzoo.errors import GanzooError

    pinned = () if flag_value(entry.train_args, "precision") else PINNED_ARGS
    train_args = with_steps(entry.train_args + pinned, steps_override)
    dataset = flag_value(train_args, "dataset")
    work = tempfile.mkdtemp(prefix=f"ganzoo-build-{name}-")
    try:
        stage = os.path.join(work, name)  # the folder's basename names the model in the warmup
        log(f"  training: {shown('ganzoo-train', train_args)}")
        load_average = os.getloadavg()[0]
        fingerprint, seconds = train(train_args, os.path.join(work, "run"), stage, log)
        model = keras.models.load_model(os.path.join(work, "run", "model.keras"))
        if train_lib.weights_fingerprint(model) != fingerprint:
            raise GanzooError(f"{name}: the last checkpoint is not the model ganzoo-train "
                              f"finished with (fingerprint {fingerprint})")
        version_dir = os.path.join(stage, str(pretrained.SHIPPED_VERSION))
        log("  scoring")
        if entry.scoring == "modes":
            quality = score_modes(version_dir, dataset)
        else:
            quality = score_images(name, version_dir, dataset, work, classifiers_dir, log)
        args = sample_args(entry.scoring, model.conditional)
        run_script("sample.py", [f"--saved_model={stage}", *args,
                                 f"--output={os.path.join(stage, pretrained.SAMPLES_FILE)}"],
                   log)
        with open(os.path.join(work, "run", train_lib.RUN_FILE)) as run_file:
            run = json.load(run_file)
        head, changed = commit()
        build = {
            "train_args": list(train_args), "train_command": shown("ganzoo-train", train_args),
            "fingerprint": fingerprint, "wall_seconds": seconds, "load_average": load_average,
            "steps": int(model.g_optimizer.iterations.numpy()),
            "batch_size": run["data"]["batch_size"], "data": DATA[dataset].description,
            "machine": machine(), "commit": head, "changed_files": changed,
            "quality": quality, "quality_summary": quality_summary(quality),
            "sample_command": shown("ganzoo-sample", [f"--saved_model={shipped_path(name)}",
                                                      *args]),
            "samples_caption": ("Mode coverage samples" if entry.scoring == "modes" else
                                "Samples from fixed noise"),
            "steps_override": steps_override,
        }
        pretrained.save_pretrained(model, stage, run=run, build=build)
        size = shipped_size(stage)
        with open(os.path.join(stage, pretrained.CARD_FILE), "w") as card:
            card.write(card_text(name, pretrained.read_config(stage), size))
        install(stage, os.path.join(root, name))
        log(f"  {name}: fingerprint {fingerprint}, {build['quality_summary']}, "
            f"{size / 1e6:.1f} MB, trained in {seconds:.0f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def install(stage, folder):
    """Replace the shipped entries of `folder` by those of `stage`, each by a rename of a copy
    made beside it (a server polling `folder` sees the old version 1 or the new one, whole);
    other versions in `folder` stay."""
    from ganzoo import pretrained

    os.makedirs(folder, exist_ok=True)
    for entry in pretrained.SHIPPED_ENTRIES:
        source, target = os.path.join(stage, entry), os.path.join(folder, entry)
        staged, old = os.path.join(folder, f".tmp-{entry}"), os.path.join(folder, f".old-{entry}")
        remove(staged)  # left by a build that was killed here
        remove(old)
        if os.path.isdir(source):
            shutil.copytree(source, staged)
        else:
            shutil.copyfile(source, staged)
        if os.path.exists(target):
            os.rename(target, old)
        os.rename(staged, target)
        remove(old)


def remove(path):
    """Delete a file or a directory tree, if it exists."""
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


def check_one(name, root, steps_override, log):
    """None if retraining with the card's command gives the card's fingerprint, else the
    one-line difference."""
    from ganzoo import pretrained

    folder = os.path.join(root, name)
    declared = pretrained.card_fingerprint(folder)
    train_args = with_steps(pretrained.read_config(folder)["build"]["train_args"],
                             steps_override)
    log(f"  retraining: {shown('ganzoo-train', train_args)}")
    with tempfile.TemporaryDirectory(prefix=f"ganzoo-check-{name}-") as work:
        fingerprint, seconds = train(train_args, os.path.join(work, "run"), "", log)
    if fingerprint != declared:
        return (f"{name}: the rebuilt weights have fingerprint {fingerprint}, its card "
                f"({os.path.join(folder, pretrained.CARD_FILE)}) declares {declared}")
    log(f"  {name}: fingerprint {fingerprint} reproduced ({seconds:.0f} s)")
    return None


# ----------------------------------------------------------------------------- the root
def replace_between(text, markers, body, where):
    """`text` with the lines between the two marker lines replaced by `body`."""
    from ganzoo.errors import GanzooError

    begin, end = markers
    if begin not in text or end not in text:
        raise GanzooError(f"{where} lacks the markers {begin!r} and {end!r}")
    head, rest = text.split(begin, 1)
    return f"{head}{begin}\n{body}{end}{rest.split(end, 1)[1]}"


def readme_table(root):
    """The README table of every shipped folder under `root` (Markdown, ending in a newline)."""
    from ganzoo import pretrained

    folders = pretrained.shipped_folders(root)
    if not folders:
        return "No shipped models yet: `ganzoo-build-zoo` builds them.\n"
    rows = ["| name | model | data | quality | steps | fingerprint | size | card |",
            "|---|---|---|---|---|---|---|---|"]
    total = 0
    for folder in folders:
        name = os.path.basename(folder)
        config = pretrained.read_config(folder)
        build = config["build"]
        size = shipped_size(folder)
        total += size
        conditional = " (conditional)" if config["config"].get("class_names") else ""
        dataset = flag_value(build["train_args"], "dataset")
        rows.append(
            f"| `{name}` | `{config['model']}`{conditional} | {os.path.basename(dataset)} | "
            f"{build['quality_summary']} | {build['steps']:,} | `{build['fingerprint']}` | "
            f"{size / 1e6:.1f} MB | [card]({name}/{pretrained.CARD_FILE}) |")
    rows.append("")
    rows.append(f"{len(folders)} model{'s' if len(folders) > 1 else ''}, {total / 1e6:.1f} MB "
                f"in all.")
    return "\n".join(rows) + "\n"


def refresh_root(root, log):
    """models.config, the README table and the .gitignore list for the shipped folders."""
    from ganzoo import export, pretrained

    names = [os.path.basename(f) for f in pretrained.shipped_folders(root)]
    if names:
        path, _ = export.write_model_config(root, FLAGS.serving_base_path, names)
        log(f"wrote {path} ({', '.join(names)})")
    if names:
        write_montage(root, names, MONTAGE, log)
    fashion = fashion_folders([os.path.join(root, name) for name in names])
    if fashion:
        write_montage(root, [os.path.basename(folder) for folder in fashion], FASHION_MONTAGE,
                      log)
        top_readme = os.path.join(os.path.dirname(os.path.abspath(root)), "README.md")
        if os.path.isfile(top_readme) and CAPTION_MARKERS[0] in read_text(top_readme):
            rewrite(top_readme, CAPTION_MARKERS, fashion_caption(caption_builds(fashion)))
            log(f"refreshed the caption of {FASHION_MONTAGE} in {top_readme}")
    readme = os.path.join(root, "README.md")
    if os.path.isfile(readme):
        rewrite(readme, README_MARKERS, readme_table(root))
        log(f"refreshed the table in {readme}")
    gitignore = os.path.join(os.path.dirname(os.path.abspath(root)), ".gitignore")
    if os.path.isfile(gitignore):
        base = os.path.basename(os.path.abspath(root))
        tracked = ["models.config"] if names else []
        rewrite(gitignore, GITIGNORE_MARKERS,
                "".join(f"!/{base}/{entry}\n" for entry in tracked + [f"{n}/" for n in names]))
        log(f"refreshed the shipped folders in {gitignore}")




def write_montage(root, names, filename, log):
    """<root>/<filename>: the samples.png of `names` in one row, in that order."""
    import tensorflow as tf

    from ganzoo import images

    pictures = [
        tf.io.decode_png(tf.io.read_file(os.path.join(root, name, "samples.png"))).numpy()
        for name in names
    ]
    path = os.path.join(root, filename)
    images.write_png(path, images.side_by_side(pictures, height=256))
    log(f"wrote {path} ({', '.join(names)}, left to right)")


def read_text(path):
    with open(path) as file:
        return file.read()


def rewrite(path, markers, body):
    text = read_text(path)
    with open(path, "w") as file:
        file.write(replace_between(text, markers, body, path))


def main(argv):
    del argv
    from ganzoo.errors import GanzooError

    unknown = [name for name in FLAGS.models if name not in SHIPPED]
    if unknown:
        raise GanzooError(f"unknown shipped model {unknown[0]!r}; the shipped models: "
                          f"{', '.join(SHIPPED)}")
    for name in FLAGS.models:
        dataset = flag_value(SHIPPED[name].train_args, "dataset")
        if dataset not in DATA:
            raise GanzooError(f"{name} trains on {dataset!r}, which DATA does not describe; "
                              f"add it to DATA in scripts/zoo_table.py (it has: "
                              f"{', '.join(DATA)})")

    def log(line):
        print(line, flush=True)

    failures = []
    for index, name in enumerate(FLAGS.models, 1):
        log(f"[{index}/{len(FLAGS.models)}] {name}")
        if FLAGS.check:
            failure = check_one(name, FLAGS.saved_models_root, FLAGS.steps_override, log)
            failures += [failure] if failure else []
        else:
            build_one(name, SHIPPED[name], FLAGS.saved_models_root, FLAGS.classifiers_dir,
                      FLAGS.steps_override, log)
    if not FLAGS.check:
        refresh_root(FLAGS.saved_models_root, log)
    if failures:
        for failure in failures:
            print(f"error: {failure}", file=sys.stderr)
        sys.exit(1)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
