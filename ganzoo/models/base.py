"""GANModel: a keras.Model whose `train_step` plays the GAN game, correct under tf.distribute.

One call of `train_step` on a batch of real data x (per replica) does Goodfellow et al.'s
Algorithm 1 for one iteration:
    k = d_steps times: draw z; descend D's objective (`discriminator_objective`)
    once:              draw z; descend G's objective (`generator_objective`)
D's variables are not in the G step's gradient; G's are not in the D steps'. The k D steps reuse
the same real batch with fresh noise (as the keras.io WGAN-GP example does), so that one
dataset element is one iteration.

A model of the zoo is a registration, a `defaults` dict and, where it needs one, an override of
the two objective hooks; train_step itself is never copied, because it owns what makes
distributed training exact (docs/design.md, facts 1-9):
- per-example losses are averaged over the GLOBAL batch (`tf.nn.compute_average_loss`), since
  `apply_gradients` sums gradients over replicas; with PacGAN packing (`packing` = m > 1) D's
  "example" is a pack of m samples, so the losses are per pack and averaged over the global
  batch / m packs;
- every random draw (noise, interpolation weights) is made for the whole global batch keyed on
  (seed, step, sub-step, stream) and each replica takes its own rows, so replicas see different
  numbers and the run is identical at any replica count (`replica_draw`);
- mixed_float16 loss scaling, the generator weight average, and the metrics: the values
  returned are exactly the trackers' results, which Keras reduces over replicas (rank-1 under
  MultiWorkerMirroredStrategy).
"""

import keras
import numpy as np
import tensorflow as tf

from ganzoo import augment, backbones, losses, noise, regularizers
from ganzoo.backbones import custom as custom_networks
from ganzoo.backbones import conditioning
from ganzoo.backbones.conditioning import ADVERSARIAL
from ganzoo.errors import GanzooError
from ganzoo.models import arguments as model_arguments
from ganzoo.tf_data_options import without_autotuning

# D normalisations under which D's output for an example depends on that example only.
_PER_EXAMPLE_NORMALIZATIONS = ("none", "layer")
# Where lr_decay_steps leaves the learning rates: small enough that G's last updates barely move
# its samples (on the 2-D grid, high-quality samples rose from 1.5 % to 90 % as the rate fell),
# not zero, so that steps past the schedule still train.
FINAL_LR_FRACTION = 0.01


def check_packed_batch(model_name, packing, local_batch, num_replicas):
    """Refuse a per-replica batch that packs of `packing` examples do not tile (GanzooError, one
    line naming the batch, the replicas and `packing`). Callable before the model exists, e.g.
    with the checked arguments, to fail before any work.

    Args:
        model_name: str, names the model in the message.
        packing: int >= 1, the model's `packing`.
        local_batch: int, examples per replica.
        num_replicas: int, replicas in sync (the global batch is their product).
    """
    if local_batch % packing:
        raise GanzooError(
            f"{model_name}: packing={packing} needs a per-replica batch divisible by {packing}; "
            f"a batch of {local_batch * num_replicas} on {num_replicas} replica(s) gives "
            f"{local_batch} per replica"
        )


class _Unsaved:
    """Holds a model out of Keras' sight: its variables must not join the owner's weights nor
    its weight files. An attribute alone is not enough, even one Keras does not track
    (object.__setattr__): saving walks every attribute dir() lists and saves each layer, list
    or dict it finds, so a twin made after a backup made that backup unloadable (and doubled
    every later one). An object of a plain class is not walked."""

    model = None


class GANModel(keras.Model):
    """Base class of the zoo's GANs: the original GAN (Goodfellow et al. 2014) by default.

    Args:
        data_shape: shape of one real example, e.g. (32, 32, 1) or (2,).
        **arguments: any argument the model takes: those named in the class's `defaults` and
            those of the parts it is built with (ganzoo.models.arguments; their meaning and
            allowed values: `ganzoo.describe_model(name)`); each becomes an attribute of the
            same name.

    The arguments every model shares, in brief: `latent_dim`; networks (`architecture`, the
    backbone of ganzoo.backbones, which brings its own arguments such as `width`,
    `hidden_layers` or `attention`; `d_normalization`, `synchronized_batch_norm`); the game
    (`loss_family`, `d_steps`, the regularisers' weights `gp_weight`, `r1_weight`,
    `bcr_weight`; `packing`); `augment` (and its part's arguments); the optimizers
    (`d_learning_rate`, `g_learning_rate`, `beta_1`, `beta_2`: Adam for both networks, built by
    `compile()`; `lr_decay_steps`: both rates falling linearly to 1 % over that many steps);
    `g_ema_decay` (an exponential moving average of G's weights, used by `generate`, the sample
    grids, evaluation and export); `seed`; `precision` ("float32",
    "mixed_bfloat16" or "mixed_float16": variables, G's output, D's output and the losses stay
    float32; mixed_float16 adds dynamic loss scaling to both optimizers).

    Dataset elements may be a real batch [batch, *data_shape] or a dict
    {"images": [batch, *data_shape], "labels": int [batch], "latent": [batch, latent_dim]};
    "labels" is required by conditional models and refused by the others, "latent" is
    optional: a given latent batch is used for every D step and the G step instead of sampled
    noise. Conditional models draw the fake labels uniformly over the classes, from the same
    keyed per-replica source as the noise.

    PacGAN packing (Lin et al. 2018): with `packing` = m > 1, D judges packs of m consecutive
    samples joined along the last axis (a layers.Pack at the start of D, so that penalties and
    export use the same D): real packs hold only real samples, fake packs only fakes. D's
    outputs, the losses, the logged metrics and the gradient penalties (the interpolation
    weight, and the input-gradient norm, are per pack) are then per pack, and the losses are
    averaged over global batch / m packs. The per-replica batch must be a multiple of m.
    Unconditional models only: a pack of m images has m labels, which neither the projection
    D nor the auxiliary class head can judge as one.
    """

    # Conditional models set this, take `num_classes` and `class_names`, and get G (and D) with
    # a labels input (see ganzoo.backbones.conditioning).
    conditional = False
    conditioning = None

    # The defaults of the original GAN: an MLP pair and the minimax game with Adam(2e-4, 0.5),
    # the DCGAN optimizer setting (Radford et al. 2015, Sec. 4) every early model used.
    defaults = {
        "latent_dim": 64,
        "architecture": "mlp",
        "width": 256,
        "d_normalization": "none",
        "synchronized_batch_norm": True,
        "loss_family": "minimax",
        "d_steps": 1,
        "packing": 1,
        "augment": "none",
        "d_learning_rate": 2e-4,
        "g_learning_rate": 2e-4,
        "lr_decay_steps": None,
        "beta_1": 0.5,
        "beta_2": 0.999,
        "g_ema_decay": None,
        "seed": 0,
        "precision": "float32",
    }
    zoo_name = "GANModel"  # set by register_model

    def __init__(self, data_shape=(32, 32, 1), name=None, generator=None, discriminator=None,
                 **arguments):
        super().__init__(name=name)
        if (generator is None) != (discriminator is None):
            raise GanzooError(
                f"{self.zoo_name}: give both generator and discriminator (your own networks), "
                f"or neither (the `architecture` backbone)"
            )
        if generator is not None and "latent_dim" not in arguments:
            width = custom_networks.latent_width(generator)
            if width is not None:
                arguments = {**arguments, "latent_dim": width}
        # The user's networks, out of Keras' sight (they are saved inside the wrappers that
        # build_networks makes; get_config serialises them for from_config).
        self._own_networks = _Unsaved()
        self._own_networks.model = None if generator is None else (generator, discriminator)
        self.data_shape = tuple(int(d) for d in data_shape)
        values = model_arguments.check_arguments(self.zoo_name, self.defaults, arguments,
                                                 self.data_shape)
        for argument, value in values.items():
            setattr(self, argument, value)
        self._argument_names = list(values)
        self._check_combination()
        self.generator, self.discriminator = self.build_networks()
        self.augmentation = augment.build(self.augment, self)  # None for "none"
        self._ema_weights = []
        self._inference_twin = _Unsaved()  # see _float32_twin
        if self.g_ema_decay is not None:
            # Plain variables updated inside train_step (identical on every replica, so only the
            # first replica's update is kept); checkpointed with the model.
            for variable in self.generator.weights:
                average = self.add_weight(
                    shape=variable.shape, initializer="zeros", trainable=False,
                    aggregation="only_first_replica", name=f"ema_{variable.path.replace('/', '_')}",
                )
                average.assign(variable)
                self._ema_weights.append(average)
        self._trackers = [keras.metrics.Mean(name=name) for name in self.metric_names()]
        # G and D are built by construction; without this, fit() under a strategy tries to build
        # the wrapper by calling it on data (docs/design.md, fact 2).
        self.built = True

    @property
    def family(self):
        """The losses.LossFamily named by `loss_family`."""
        return losses.LOSS_FAMILIES[self.loss_family]

    def _check_combination(self):
        """Refuse argument values that are each allowed but make no sense together."""
        if self.conditional:
            if self.packing > 1:
                raise GanzooError(
                    f"{self.zoo_name}: packing={self.packing} is for unconditional models (a pack "
                    f"of images has one label per image, which D cannot judge as one); use 1"
                )
            if self.class_names is not None and len(self.class_names) != self.num_classes:
                raise GanzooError(
                    f"{self.zoo_name}: {len(self.class_names)} class_names for num_classes="
                    f"{self.num_classes}"
                )
        if self.bcr_weight > 0 and len(self.data_shape) != 3:
            raise GanzooError(
                f"{self.zoo_name}: bcr_weight translates images [H, W, C], not data of shape "
                f"{self.data_shape}; use 0"
            )
        penalties = [r.weight for r in regularizers.active(self) if r.per_example_gradients]
        if penalties and self.d_normalization == "batch":
            raise GanzooError(
                f"{self.zoo_name}: {penalties[0]} needs per-example input gradients, which a "
                f"batch-normalised D does not have; set d_normalization to layer, spectral or none"
            )

    def build_networks(self):
        """Return (generator, discriminator) for self.data_shape and the network arguments:
        the `architecture` backbone's, or the user's own (ganzoo.backbones.custom)."""
        backbone = backbones.get_backbone(self.architecture, self.data_shape)
        spec = backbones.NetworkSpec(
            self.data_shape, self.latent_dim, d_normalization=self.d_normalization,
            synchronized_batch_norm=self.synchronized_batch_norm, precision=self.precision,
            num_classes=getattr(self, "num_classes", None), conditioning=self.conditioning,
            packing=self.packing,
            options={name: getattr(self, name) for name in backbone.arguments},
        )
        if self._own_networks.model is not None:
            return custom_networks.adopt(*self._own_networks.model, spec)
        return backbones.build_pair(self.architecture, spec)

    def label_names(self):
        """The class names of a conditional model: `class_names`, or "0", "1", ..."""
        return list(self.class_names or [str(i) for i in range(self.num_classes)])

    def metric_names(self):
        """What training logs: d_loss, g_loss, the loss family's view of D, the penalties."""
        names = ["d_loss", "g_loss", *self.family.metric_names]
        names.extend(r.name for r in regularizers.active(self))
        if self.augmentation is not None:
            names.extend(self.augmentation.metric_names())
        return names

    def get_config(self):
        config = {
            "name": self.name,
            "data_shape": list(self.data_shape),
            **{argument: getattr(self, argument) for argument in self._argument_names},
        }
        if self._own_networks.model is not None:
            generator, discriminator = self._own_networks.model
            config["generator"] = keras.saving.serialize_keras_object(generator)
            config["discriminator"] = keras.saving.serialize_keras_object(discriminator)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for role in ("generator", "discriminator"):
            if config.get(role) is not None:
                config[role] = keras.saving.deserialize_keras_object(config[role])
        # Configs saved before parts owned their arguments hold every part's arguments.
        return cls(**model_arguments.without_unused_parts(cls.zoo_name, cls.defaults, config))

    # ----------------------------------------------------------------------------- compile
    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Configure training with one optimizer per network.

        Args:
            d_optimizer, g_optimizer: keras optimizers; None gives Adam with the model's
                learning rate, beta_1 and beta_2.
            **kwargs: passed to keras.Model.compile (e.g. steps_per_execution, jit_compile).

        Both optimizers are built here, so call compile inside `strategy.scope()`
        (docs/design.md, fact 1). With precision="mixed_float16" both are wrapped in
        keras.optimizers.LossScaleOptimizer (Keras wraps only `compile(optimizer=...)`,
        docs/design.md, fact 8); train_step scales each loss with it, so float16 gradients of
        small losses do not flush to zero.
        """
        # optimizer=None: Keras would otherwise create (and checkpoint) an unused default one.
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = self._with_loss_scaling(d_optimizer or self._adam(
            self.d_learning_rate, updates_per_step=self.d_steps,
            lazy_interval=self.r1_interval if self.r1_weight > 0 else 1,
        ))
        self.g_optimizer = self._with_loss_scaling(g_optimizer or self._adam(
            self.g_learning_rate, updates_per_step=1,
            lazy_interval=self.generator_lazy_interval(),
        ))
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def _adam(self, learning_rate, updates_per_step, lazy_interval=1):
        """Adam with the model's betas; with lr_decay_steps, its rate falls linearly with the
        optimizer's own update count (restored with it on resume) to FINAL_LR_FRACTION of
        `learning_rate` after lr_decay_steps generator steps of `updates_per_step` updates.
        An optimizer whose network has a lazy regulariser (computed every `lazy_interval`
        steps: D's R1 with r1_interval > 1, G's `generator_lazy_interval`) takes StyleGAN2's
        adjusted rate and betas (regularizers.lazy_adam_settings)."""
        beta_1, beta_2 = self.beta_1, self.beta_2
        if lazy_interval > 1:
            learning_rate, beta_1, beta_2 = regularizers.lazy_adam_settings(
                learning_rate, beta_1, beta_2, lazy_interval
            )
        if self.lr_decay_steps is not None:
            learning_rate = keras.optimizers.schedules.PolynomialDecay(
                learning_rate, self.lr_decay_steps * updates_per_step,
                end_learning_rate=learning_rate * FINAL_LR_FRACTION,
            )
        return keras.optimizers.Adam(learning_rate, beta_1, beta_2)

    def generator_lazy_interval(self):
        """Hook: every how many steps G's objective adds a lazy regulariser (StyleGAN2's
        path-length penalty); 1 = none, G's Adam unadjusted."""
        return 1

    def _with_loss_scaling(self, optimizer):
        if self.precision != "mixed_float16" or isinstance(
            optimizer, keras.optimizers.LossScaleOptimizer
        ):
            return optimizer
        return keras.optimizers.LossScaleOptimizer(optimizer)

    def get_compile_config(self):
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
            g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]),
        )

    @property
    def metrics(self):
        # Exactly these four, so that `fit` logs them and resets them each epoch.
        return self._trackers

    # ----------------------------------------------------------------------------- training
    def _split_batch(self, data):
        """(real, labels or None, latent or None) of one dataset element; the batch format is
        checked here, at trace time, so a mismatch stops fit() with one line."""
        if isinstance(data, tuple) and len(data) == 1:
            data = data[0]
        if isinstance(data, tuple):
            raise GanzooError(
                f"{self.zoo_name} got a tuple batch; give images, or a dict "
                f"{{'images': ..., 'labels': ..., 'latent': ...}} (labels for conditional models)"
            )
        if not isinstance(data, dict):
            data = {"images": data}
        unknown = sorted(set(data) - {"images", "labels", "latent"})
        if "images" not in data or unknown:
            raise GanzooError(
                f"dict batches take the keys 'images', 'labels' (conditional models) and "
                f"'latent', got {sorted(data)}"
            )
        labels = data.get("labels")
        if self.conditional and labels is None:
            raise GanzooError(
                f"{self.zoo_name} is conditional: its batches need 'labels' (int [batch] in "
                f"[0, {self.num_classes}))"
            )
        if not self.conditional and labels is not None:
            raise GanzooError(
                f"{self.zoo_name} is unconditional but the batch has 'labels'; drop them, or "
                f"use a conditional model (cgan, acgan)"
            )
        if labels is not None:
            labels = tf.cast(tf.reshape(labels, [-1]), tf.int32)
        return data["images"], labels, data.get("latent")

    def replica_draw(self, draw, local_batch, *stream):
        """This replica's rows of one global random draw keyed on (seed, step, *stream).

        Call in a replica context (inside train_step or strategy.run). `draw(n, seed, *key)`
        returns n rows; replica r of N takes rows [r * local_batch, (r + 1) * local_batch) of
        one draw of N * local_batch rows, so replicas differ from each other and together equal
        the single-device draw. The step is G's optimizer step counter, which checkpoints
        restore, so a resumed run draws what an uninterrupted one would have.
        """
        context = tf.distribute.get_replica_context()
        replica_id = tf.cast(context.replica_id_in_sync_group, tf.int32)
        rows = draw(
            local_batch * context.num_replicas_in_sync, self.seed, self.g_optimizer.iterations,
            *stream,
        )
        return rows[replica_id * local_batch : (replica_id + 1) * local_batch]

    def replica_latent(self, local_batch, sub_step):
        """This replica's float32 [local_batch, latent_dim] noise for (seed, step, sub_step)."""
        return self.replica_draw(
            lambda n, *key: noise.latent_batch(n, self.latent_dim, *key), local_batch, sub_step
        )

    def generate_batch(self, latent, labels=None, training=False):
        """G's float32 output [batch, *data_shape] for latent [batch, latent_dim] (and labels
        int32 [batch] for conditional models)."""
        inputs = [latent, labels] if self.conditional else latent
        return tf.cast(self.generator(inputs, training=training), tf.float32)

    def judge(self, data, labels=None, training=True):
        """D's named outputs for `data` (given `labels` when D takes them, as the projection D
        does): {"adversarial": float32 [batch / packing, 1], the output the loss family scores,
        one per example or per pack of `packing` consecutive examples} and the heads D has
        (e.g. "class_logits" float32 [batch, num_classes], ACGAN's); see
        ganzoo.backbones.conditioning."""
        inputs = [data, labels] if len(self.discriminator.inputs) == 2 else data
        return conditioning.named_outputs(self.discriminator(inputs, training=training))

    def adversarial_outputs(self, data, labels=None, training=True):
        """judge(...)["adversarial"]: what the loss family and the penalties read."""
        return self.judge(data, labels, training)[ADVERSARIAL]

    def discriminator_objective(self, real, fake, sub_step, real_labels=None, fake_labels=None):
        """Hook: D's per-example (per-pack, with packing) loss and metrics; runs inside D's
        gradient tape.

        Args:
            real: float32 [local_batch, *data_shape], this replica's real examples.
            fake: float32 [local_batch, *data_shape], G's samples (no gradient to G).
            sub_step: int, which of the d_steps D updates this is (keys random draws).
            real_labels, fake_labels: int32 [local_batch] for conditional models, else None.

        Returns:
            (float32 [local_batch / packing] loss, {metric name: float32 [local_batch /
            packing]}); the names are `metric_names()` less d_loss and g_loss.
        """
        if self.d_normalization in _PER_EXAMPLE_NORMALIZATIONS:
            # One call on [real; fake] gives each example the output two calls would (nothing in
            # D mixes examples) and measured 1.16x faster for wgan_gp at batch 64 on 2 CPU cores.
            # Not with batch norm (statistics of the joint batch) nor spectral norm (one power
            # iteration per call). Packs never straddle the two halves: each half's batch is a
            # multiple of `packing` (train_step checks it).
            both_labels = None if real_labels is None else tf.concat([real_labels, fake_labels], 0)
            both = self.judge(tf.concat([real, fake], 0), both_labels)
            halves = {name: tf.split(value, 2, axis=0) for name, value in both.items()}
            real_outputs = {name: pair[0] for name, pair in halves.items()}
            fake_outputs = {name: pair[1] for name, pair in halves.items()}
        else:
            real_outputs = self.judge(real, real_labels)
            fake_outputs = self.judge(fake, fake_labels)
        real_adversarial, fake_adversarial = real_outputs[ADVERSARIAL], fake_outputs[ADVERSARIAL]
        loss = self.family.discriminator(real_adversarial, fake_adversarial)
        metrics = self.family.metrics(real_adversarial, fake_adversarial)
        head_loss, head_metrics = self.discriminator_head_objective(
            real_outputs, fake_outputs, real_labels, fake_labels
        )
        metrics.update(head_metrics)
        if self.augmentation is not None and self.augmentation.signs_metric:
            metrics[self.augmentation.signs_metric] = tf.sign(tf.reshape(real_adversarial, [-1]))
        return self.add_penalties(loss + head_loss, metrics, real, fake, sub_step, real_labels)

    def discriminator_head_objective(self, real_outputs, fake_outputs, real_labels, fake_labels):
        """Hook: the loss [local_batch] and metrics of D's heads besides the adversarial one
        (ACGAN's class head), from the named outputs of the D step's own forward passes; none
        here."""
        return 0.0, {}

    def generator_head_objective(self, fake_outputs, fake_labels):
        """Hook: G's loss [local_batch] and metrics from D's other heads; none here."""
        return 0.0, {}

    def add_penalties(self, loss, metrics, real, fake, sub_step, real_labels=None):
        """D's per-example `loss` and `metrics` plus the regularisers the model's weights switch
        on (ganzoo.regularizers), each logged under its name."""

        def critic(data, training=True):  # regularisers judge data with the real labels
            return self.adversarial_outputs(data, real_labels, training)

        for regularizer in regularizers.active(self):
            value = regularizer.penalty(self, critic, real, fake, sub_step)
            metrics[regularizer.name] = value
            loss += regularizer.scale * getattr(self, regularizer.weight) * value
        return loss, metrics

    def generator_objective(self, fake, fake_labels=None):
        """Hook: G's per-example loss [local_batch / packing] and {metric: [local_batch /
        packing]} (none here; per pack with packing, as D's); runs inside G's gradient tape.
        `fake` is G's float32 output for this replica's noise (and `fake_labels`, int32
        [local_batch], for conditional models)."""
        outputs = self.judge(fake, fake_labels)
        head_loss, metrics = self.generator_head_objective(outputs, fake_labels)
        return self.family.generator(outputs[ADVERSARIAL]) + head_loss, metrics

    def _track(self, values):
        trackers = {tracker.name: tracker for tracker in self._trackers}
        for name, value in values.items():
            trackers[name].update_state(value)

    def replica_fake_labels(self, local_batch, sub_step):
        """This replica's int32 [local_batch] fake labels for (seed, step, sub_step), uniform
        over the classes; None for unconditional models."""
        if not self.conditional:
            return None
        return self.replica_draw(
            lambda n, *key: noise.class_batch(n, self.num_classes, *key), local_batch, sub_step,
            noise.FAKE_LABEL_STREAM,
        )

    def _packable(self, real, num_replicas):
        """`real`, once its batch is known to be a multiple of `packing`: checked now when the
        batch size is static, else by an in-graph assertion (a dataset batched without
        drop_remainder)."""
        if self.packing == 1:
            return real
        if real.shape[0] is not None:
            check_packed_batch(self.zoo_name, self.packing, real.shape[0], num_replicas)
            return real
        check = tf.debugging.assert_equal(
            tf.shape(real)[0] % self.packing, 0,
            message=f"{self.zoo_name}: packing={self.packing} needs a per-replica batch "
            f"divisible by {self.packing}",
        )
        with tf.control_dependencies([check]):
            return tf.identity(real)

    def train_step(self, data):
        real, real_labels, given_latent = self._split_batch(data)
        num_replicas = tf.distribute.get_replica_context().num_replicas_in_sync
        real = self._packable(tf.cast(real, tf.float32), num_replicas)
        local_batch = tf.shape(real)[0]
        # D's "examples" are packs: every loss holds one value per pack (see the class docstring).
        global_packs = local_batch * num_replicas // self.packing

        def latent_for(sub_step):
            if given_latent is not None:
                return tf.cast(given_latent, tf.float32)
            return self.replica_latent(local_batch, sub_step)

        def scaled_mean(optimizer, loss):
            # scale_loss is the identity except under LossScaleOptimizer (mixed_float16),
            # whose apply_gradients divides the scale back out.
            return optimizer.scale_loss(
                tf.nn.compute_average_loss(loss, global_batch_size=global_packs)
            )

        def seen_by_d(images, sub_step, stream):
            # Every image D judges passes the augmentation (ganzoo.augment), with per-example
            # random numbers from the keyed per-replica source.
            if self.augmentation is None:
                return images
            uniforms = self.replica_draw(
                lambda n, *key: noise.uniform_matrix(n, self.augmentation.num_uniforms, *key),
                local_batch, sub_step, stream,
            )
            return self.augmentation.apply(images, uniforms)

        d_vars = self.discriminator.trainable_variables
        d_logged = {}  # every D update's values, tracked once after the loop
        for sub_step in range(self.d_steps):
            # G's forward pass stays outside the tape: D's step needs no gradient through G.
            fake_labels = self.replica_fake_labels(local_batch, sub_step)
            fake = self.generate_batch(latent_for(sub_step), fake_labels, training=True)
            fake = seen_by_d(fake, sub_step, noise.AUGMENT_FAKE_STREAM)
            seen_real = seen_by_d(real, sub_step, noise.AUGMENT_REAL_STREAM)
            with tf.GradientTape() as tape:
                d_loss, d_metrics = self.discriminator_objective(
                    seen_real, fake, sub_step, real_labels, fake_labels
                )
                scaled = scaled_mean(self.d_optimizer, d_loss)
            self.d_optimizer.apply_gradients(zip(tape.gradient(scaled, d_vars), d_vars))
            for name, value in {"d_loss": d_loss, **d_metrics}.items():
                d_logged.setdefault(name, []).append(tf.reshape(value, [-1]))
        # One update per metric: the mean over all D updates' values, as one update each would
        # give, with a d_steps-th of the variable writes.
        self._track({name: tf.concat(values, 0) for name, values in d_logged.items()})
        if self.augmentation is not None and self.augmentation.signs_metric:
            signs = d_metrics[self.augmentation.signs_metric]
            total, count = tf.distribute.get_replica_context().all_reduce(
                "sum", [tf.reduce_sum(signs), tf.cast(tf.size(signs), tf.float32)]
            )
            self._track(self.augmentation.observe(total, count))

        g_vars = self.generator.trainable_variables
        fake_labels = self.replica_fake_labels(local_batch, self.d_steps)
        with tf.GradientTape() as tape:
            fake = self.generate_batch(latent_for(self.d_steps), fake_labels, training=True)
            fake = seen_by_d(fake, self.d_steps, noise.AUGMENT_FAKE_STREAM)
            g_loss, g_metrics = self.generator_objective(fake, fake_labels)
            scaled = scaled_mean(self.g_optimizer, g_loss)
        self.g_optimizer.apply_gradients(zip(tape.gradient(scaled, g_vars), g_vars))
        self._track({"g_loss": g_loss, **g_metrics})
        if self._ema_weights:
            # Warm-up (as tf.train.ExponentialMovingAverage's num_updates): the decay grows
            # to g_ema_decay over the first steps, so that the average does not keep the
            # initial weights for thousands of steps (0.999^1000 = 37 %).
            steps = tf.cast(self.g_optimizer.iterations, tf.float32)
            decay = tf.minimum(self.g_ema_decay, (1.0 + steps) / (10.0 + steps))
            for average, variable in zip(self._ema_weights, self.generator.weights):
                average.assign(decay * average + (1.0 - decay) * variable)
        results = {tracker.name: tracker.result() for tracker in self._trackers}
        if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
            # Keras reduces scalars across workers along axis 0 and fails ("Invalid reduction
            # dimension 0", TF issue 72388); rank-1 values reduce correctly (docs/design.md,
            # fact 6).
            results = {name: tf.reshape(value, [1]) for name, value in results.items()}
        return results

    # ----------------------------------------------------------------------------- inference
    def call(self, inputs, training=False):
        """G(latent) (or G([latent, labels]) for conditional models) -> [batch, *data_shape]."""
        return self.generator(inputs, training=training)

    def _needs_float32_twin(self):
        return bool(self._ema_weights) or self.precision != "float32"

    def _float32_twin(self):
        if self._inference_twin.model is None:
            config = {**self.get_config(), "precision": "float32", "g_ema_decay": None}
            self._inference_twin.model = type(self).from_config(config)
        return self._inference_twin.model

    def sampling_generator(self):
        """The float32 generator that samples: G itself for a float32 model without weight
        averaging, otherwise a float32 twin holding G's averaged weights (g_ema_decay) or G's
        weights. 16-bit compute pays off in training; samples should not depend on it."""
        if not self._needs_float32_twin():
            return self.generator
        generator = self._float32_twin().generator
        if self._ema_weights:
            generator.set_weights([average.numpy() for average in self._ema_weights])
        else:
            generator.set_weights(self.generator.get_weights())
        return generator

    def inference_networks(self):
        """(sampling_generator(), D) for export and evaluation, both float32."""
        if not self._needs_float32_twin():
            return self.generator, self.discriminator
        discriminator = self._float32_twin().discriminator
        discriminator.set_weights(self.discriminator.get_weights())
        return self.sampling_generator(), discriminator

    def sample_latent(self, num_samples, seed=0):
        """float32 [num_samples, latent_dim] N(0, 1) noise, the same for the same seed
        everywhere."""
        return noise.latent_batch(num_samples, self.latent_dim, seed)

    def check_labels(self, labels, count):
        """int32 numpy [count] labels for a conditional model; GanzooError when out of range,
        of the wrong length, or given to an unconditional model. None -> 0, 1, 2, ... cycling
        through the classes."""
        if not self.conditional:
            if labels is not None:
                raise GanzooError(f"{self.zoo_name} is unconditional: it takes no labels")
            return None
        if labels is None:
            return np.arange(count, dtype=np.int32) % self.num_classes
        labels = np.asarray(labels).reshape(-1)
        if labels.size != count or not np.issubdtype(labels.dtype, np.integer):
            raise GanzooError(f"labels must be {count} integers, got {labels.tolist()}")
        bad = labels[(labels < 0) | (labels >= self.num_classes)]
        if bad.size:
            raise GanzooError(
                f"label {int(bad[0])} is out of range; {self.zoo_name} has classes 0.."
                f"{self.num_classes - 1} ({', '.join(self.label_names())})"
            )
        return labels.astype(np.int32)

    def generate(self, num_samples=None, seed=0, latent=None, labels=None, batch_size=256):
        """Samples from G in inference mode, as a numpy array [n, *data_shape].

        Images are in [-1, 1]. Give either `num_samples` (noise drawn from `seed`, see
        `sample_latent`) or an explicit `latent` batch [n, latent_dim]. Conditional models take
        `labels` (n ints in [0, num_classes); default 0, 1, 2, ... cycling).
        """
        batches = self.generation_batches(num_samples, seed, latent, labels, batch_size)
        return self.sampling_generator().predict(batches, verbose=0)

    def generation_batches(self, num_samples, seed, latent, labels, batch_size):
        """generate's inputs, checked (GanzooError in one line), as a dataset of 1-tuples
        (latent,) or ((latent, labels),) of `batch_size` rows."""
        if latent is None:
            if num_samples is None or num_samples < 1:
                raise GanzooError(f"num_samples must be a positive integer, got {num_samples!r}")
            latent = self.sample_latent(num_samples, seed)
        latent = tf.convert_to_tensor(latent, tf.float32)
        if latent.shape.rank != 2 or latent.shape[1] != self.latent_dim:
            raise GanzooError(
                f"latent must have shape [n, {self.latent_dim}], got {latent.shape.as_list()}"
            )
        labels = self.check_labels(labels, latent.shape[0])
        inputs = latent if labels is None else (latent, labels)
        # Batches of our own rather than predict(numpy), whose dataset would run tf.data's
        # autotuner (see ganzoo.tf_data_options). Keras reads a 1-tuple element as (x,).
        return without_autotuning(
            tf.data.Dataset.from_tensor_slices((inputs,)).batch(batch_size))
