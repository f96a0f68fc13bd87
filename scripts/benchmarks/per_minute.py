r"""Quality per minute: each ganzoo model and the keras.io example a user would copy instead,
trained for the same minutes on the same cores and stream, scored on the same clock.

    python scripts/benchmarks/per_minute.py --models=dcgan --minutes=60 \
        --classifier=runs/plateau/fashion_classifier.keras

The contenders are the fashion suite's (scripts/benchmarks/fashion.py): each ganzoo model of
--models at what `ganzoo-train` would use on the folder (its defaults, its Fashion-MNIST recipe
and this machine's default precision), followed by its keras.io reference (its own networks,
train step, loss and optimizer, float32, as the example is written). One after the other, each
trains with `fit` on the same stream of Fashion-MNIST's 60,000 training images (batch
--batch_size, the order `ganzoo-train --seed` reads) for --minutes of training. After every
--score_every minutes of training its generator draws --eval_samples samples from fixed noise
(balanced classes for conditional contenders), scored against the first --eval_samples test
images in the domain classifier's features: FID, KID, precision, recall, and class accuracy for
conditional ones. Scoring is excluded from the clock, which counts from the first step (so
tracing and compiling count, as they do for a user); a score is taken at the first step past
its mark, and its minute is the clock's at that step. These are the plateau suite's scores
(scripts/benchmarks/plateau.py: ganzoo.callbacks.quality_scores of 2,000 samples against the
first 2,000 test images, noise seed 4321), so with its classifier
(--classifier=runs/plateau/fashion_classifier.keras) the curves compare with its curves; its
clock counts a little more (ganzoo-train's backups, checkpoints and grids), which this
suite's contenders do not write.

scripts/reports/per_minute.py renders the results (per_minute: FID by 20 and 60 minutes,
and the other scores by 60; per_minute_chart: the curves), and scripts/reports/readme.py the
README summary's rows: each model against its reference, where the reference was trained (a
model this suite did not train is read from its plateau run). Every finished contender
is added to --output with its curve; one already there is not run again, so a killed session
loses only the contender it was training.
A file of another setting (data, minutes, schedule, samples, batch, classifier) is refused.

--noganzoo trains only the references of --models: the ganzoo side is then read from the
plateau runs (scores after every epoch, on a clock that also counts backups), which is how the
report fills in the ganzoo models this suite has not trained. It saves the hour a ganzoo model
would take beside a plateau run of it that already gives its curve.
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

RUN_FIELDS = ("name", "seed")
NOISE_SEED = 4321  # ganzoo.callbacks.SampleQuality's, as the plateau curves are drawn with

flags.DEFINE_string("dataset", common.FASHION_MNIST, "Fashion-MNIST's idx folder.")
flags.DEFINE_list("models", ["dcgan"], "ganzoo image models; each is followed by its keras.io "
                  "reference the first time one needs it.")
flags.DEFINE_boolean("ganzoo", True, "Train the ganzoo models of --models; --noganzoo trains "
                     "only their keras.io references (the report reads those models from their "
                     "plateau runs).")
flags.DEFINE_float("minutes", 60.0, "Training minutes of every contender (scoring excluded).",
                   lower_bound=0.0)
flags.DEFINE_float("score_every", 5.0, "Training minutes between scores.", lower_bound=0.0)
flags.DEFINE_integer("eval_samples", 2000, "Samples per score, against as many test images.",
                     lower_bound=20)
flags.DEFINE_integer("batch_size", 64, "Global batch size of every contender.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Seed of the stream's order, the weights and the noise.")
flags.DEFINE_string("classifier", None, "Domain classifier (.keras): used if the file exists, "
                    "else trained and kept there; default: trained in a temporary folder.")
flags.DEFINE_integer("classifier_epochs", 15, "Epochs of a domain classifier trained here.",
                     lower_bound=1)
flags.DEFINE_string("output", os.path.join(common.RESULTS, "per_minute.json"),
                    "The results file.")
FLAGS = flags.FLAGS


def _clock_callback(score, every_seconds, budget_seconds):
    """A Keras callback that times training (scoring excluded), calls `score()` at the first
    batch past every `every_seconds` of it and stops training at the first batch past
    `budget_seconds`. `.curve` holds {"mark", "minutes", "batches", **score()} per score:
    the mark (training minutes: a multiple of every_seconds / 60, or the budget's) the score
    stands for, and the minute it was taken at (a slow batch can pass a mark by more than a
    batch, and several at once: the score then stands for the last of them)."""
    import keras

    class OnTheClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.curve, self.batches, self.train_seconds = [], 0, 0.0
            self._next = every_seconds
            self._since = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            self.train_seconds += time.perf_counter() - self._since
            done = self.train_seconds >= budget_seconds
            if self.train_seconds >= self._next or done:
                mark = self._next
                while self._next <= min(self.train_seconds, budget_seconds):
                    mark = self._next
                    self._next += every_seconds
                if done:  # the budget's score, even when one slow batch passed every mark
                    mark = budget_seconds
                self.curve.append({"mark": round(mark / 60, 3),
                                   "minutes": round(self.train_seconds / 60, 3),
                                   "batches": self.batches, **score()})
                print(f"  {self.train_seconds / 60:6.1f} min, {self.batches:6d} batches: "
                      f"FID {self.curve[-1]['fid']:.3f}", flush=True)
            if done:
                self.model.stop_training = True
            self._since = time.perf_counter()  # after scoring: it is not training time

    return OnTheClock()


def _contender(name, reference, seed, shape, class_names):
    """(compiled Keras model, its precision, its recipe or None): the ganzoo model `name` as
    `ganzoo-train` would build it on the folder, or (reference None) the keras.io example."""
    import keras

    import ganzoo
    from benchmarks import keras_io
    from ganzoo import data, fast_paths
    from ganzoo.models import recipes

    keras.utils.set_random_seed(seed)
    if reference is None:
        return keras_io.KERAS_IO_REFERENCES[name](shape, len(class_names)), "float32", None
    recipe = recipes.recipe_for(name, data.recipe_keys(FLAGS.dataset))
    recipe_args = dict(recipe.model_args) if recipe else {}
    classes = ({"num_classes": len(class_names), "class_names": class_names}
               if ganzoo.get_model_class(name).conditional else {})
    precision = fast_paths.resolve_precision(recipe.precision if recipe and recipe.precision
                                             else "auto")
    model = ganzoo.get_model(name, data_shape=shape, seed=seed, precision=precision,
                             **recipe_args, **classes)
    model.compile()  # Adam with the model's own learning rates and betas, as ganzoo-train
    return model, precision, recipe_args


def _run(name, reference, stream, shape, class_names, real, extractor):
    """One contender's entry of the results file: trained on the clock, scored on it.
    `real` is (features [n, d] of the real images, their labels [n])."""
    from ganzoo import callbacks, evaluation

    seed = FLAGS.seed
    model, precision, recipe = _contender(name, reference, seed, shape, class_names)
    real_features, real_labels = real
    labels = (evaluation.balanced_labels(len(class_names), len(real_features) // len(class_names))
              if model.conditional else None)

    def score():
        # ganzoo.callbacks.SampleQuality's scores, as the plateau curves have them.
        samples = model.generate(num_samples=len(real_features) if labels is None
                                 else len(labels), labels=labels, seed=NOISE_SEED)
        return callbacks.quality_scores(
            samples, extractor, real_features, labels,
            None if labels is None else real_labels, len(class_names))

    print(f"{name}: {FLAGS.minutes:g} training minutes, scored every {FLAGS.score_every:g}",
          flush=True)
    clock = _clock_callback(score, 60 * FLAGS.score_every, 60 * FLAGS.minutes)
    # One "epoch" longer than any budget: the clock callback ends it.
    model.fit(stream, epochs=1, steps_per_epoch=10**9, verbose=0, shuffle=False,
              callbacks=[clock])
    return {"name": name, "reference": reference, "seed": seed, "precision": precision,
            "recipe": recipe, "conditional": bool(model.conditional),
            "machine": common.machine(), "date": common.today(),
            "train_seconds": round(clock.train_seconds, 2), "batches": clock.batches,
            "curve": clock.curve}


def main(argv):
    del argv
    import ganzoo
    from benchmarks import contenders, scoring
    from ganzoo import data, evaluation, train_lib
    from ganzoo.configs import DataConfig

    from ganzoo.errors import GanzooError

    for name in ("minutes", "score_every"):
        if FLAGS[name].value <= 0:
            raise GanzooError(f"--{name}={FLAGS[name].value:g}: give a number of minutes above 0")
    folder = FLAGS.dataset
    common.require_fashion_mnist(folder)
    class_names = [str(name) for name in data.class_names(folder)]
    train = scoring.labelled_arrays(folder, "train", None)
    test = scoring.labelled_arrays(folder, "test", None)
    shape = train[0].shape[1:]
    lineup = [(name, reference) for name, reference in
              contenders.fashion_contenders(FLAGS.models, shape)
              if FLAGS.ganzoo or reference is None]
    with tempfile.TemporaryDirectory() as work:
        extractor, classifier = scoring.domain_classifier(
            FLAGS.classifier, train, test, len(class_names), work, FLAGS.classifier_epochs)
        evaluation.check_classifier(extractor, class_names)
        # The first --eval_samples test images, in order, as the plateau suite's scores take.
        real = (extractor.features(test[0][:FLAGS.eval_samples]), test[1][:FLAGS.eval_samples])
        setting = {"dataset": os.path.abspath(folder), "minutes": FLAGS.minutes,
                   "score_every": FLAGS.score_every, "eval_samples": len(real[0]),
                   "batch_size": FLAGS.batch_size, "classifier": extractor.name}
        runs_file = common.runs_file(FLAGS.output, "per_minute", setting, RUN_FIELDS,
                                     "give the same flags and --classifier, or another file")
        runs_file.update(classifier=classifier)
        runs_file.add_command(common.command_line(__file__))
        data_config = DataConfig(dataset=folder, batch_size=FLAGS.batch_size)
        for name, reference in lineup:
            if runs_file.has((name, FLAGS.seed)):
                print(f"{name} seed {FLAGS.seed}: in {FLAGS.output} already", flush=True)
                continue
            # reference None: `name` is itself a keras.io reference.
            conditional = (name == "keras_io_conditional_gan" if reference is None
                           else ganzoo.get_model_class(name).conditional)
            # The same images in the same order for every contender (labels beside them for
            # the conditional ones).
            stream, _ = train_lib.training_stream(data_config, FLAGS.seed, conditional)
            runs_file.add(_run(name, reference, stream, shape, class_names, real, extractor))


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
