"""GANModel: a keras.Model whose `train_step` plays the GAN game, correct under tf.distribute.

One call of `train_step` on a batch of real data x (per replica) does Goodfellow et al.'s
Algorithm 1 for one iteration:
    k = d_steps times: draw z; descend D's loss  softplus(-D(x)) + softplus(D(G(z)))
    once:              draw z; descend G's loss  (minimax or non-saturating, see ganzoo.losses)
D's variables are not in the G step's gradient; G's are not in the D steps'. The k D steps reuse
the same real batch with fresh noise (as the keras.io WGAN-GP example does), so that one
dataset element is one iteration.

Distribution (DESIGN.md section 3):
- per-example losses are averaged over the GLOBAL batch (`tf.nn.compute_average_loss`), since
  `apply_gradients` sums gradients over replicas;
- noise is drawn for the whole global batch keyed on (seed, step, sub-step) and each replica
  takes its own rows, so replicas see different noise and the run is identical at any replica
  count;
- the metrics returned are exactly the trackers' results, which Keras reduces over replicas.
"""

import keras
import tensorflow as tf

from ganzoo import losses, networks, noise
from ganzoo.errors import GanzooError

METRIC_NAMES = ("d_loss", "g_loss", "d_real", "d_fake")


def default_optimizer():
    """Adam(2e-4, beta_1=0.5): the setting of Radford et al. 2015, Sec. 4, used by every model."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


class GANModel(keras.Model):
    """Base class of the zoo's GANs. Subclasses implement `build_networks` and may change
    `default_generator_loss`.

    Args:
        data_shape: shape of one real example, e.g. (32, 32, 1) or (2,).
        latent_dim: width of the noise vector z ~ N(0, I).
        generator_loss: "minimax" (saturating, Goodfellow 2014) or "non_saturating";
            None takes the class default.
        d_steps: k, discriminator updates per generator update (Goodfellow's Algorithm 1).
        seed: key of every noise draw made during training.
        g_ema_decay: if set (e.g. 0.999), keep an exponential moving average of G's weights,
            updated after every G step; `generate`, the sample grids, evaluation and export
            then use the averaged generator (`sampling_generator()`), which is usually
            smoother than the raw one (Karras et al. 2018, Yazici et al. 2019).
        precision: "float32", "mixed_bfloat16" or "mixed_float16" (networks.PRECISIONS):
            the compute precision of G and D. Variables, G's output, D's logits and the losses
            stay float32 in every precision; mixed_float16 adds dynamic loss scaling to both
            optimizers (see `compile`).

    Dataset elements may be a real batch [batch, *data_shape] or a dict
    {"images": [batch, *data_shape], "latent": [batch, latent_dim]}; a given latent batch is
    used for every D step and the G step instead of sampled noise.
    """

    default_generator_loss = "minimax"

    def __init__(
        self,
        data_shape=(32, 32, 1),
        latent_dim=64,
        generator_loss=None,
        d_steps=1,
        seed=0,
        g_ema_decay=None,
        precision="float32",
        **kwargs,
    ):
        super().__init__(**kwargs)
        generator_loss = generator_loss or self.default_generator_loss
        if generator_loss not in losses.GENERATOR_LOSSES:
            raise GanzooError(
                f"unknown generator_loss {generator_loss!r}; "
                f"choose one of: {', '.join(losses.GENERATOR_LOSSES)}"
            )
        if not isinstance(d_steps, int) or d_steps < 1:
            raise GanzooError(f"d_steps must be a positive integer, got {d_steps!r}")
        self.data_shape = tuple(int(d) for d in data_shape)
        self.latent_dim = latent_dim
        self.generator_loss = generator_loss
        if g_ema_decay is not None and not 0.0 < g_ema_decay < 1.0:
            raise GanzooError(f"g_ema_decay must be in (0, 1), got {g_ema_decay!r}")
        self.d_steps = d_steps
        self.seed = int(seed)
        self.g_ema_decay = g_ema_decay
        networks.dtype_policy(precision)  # Unknown names fail here, naming the allowed ones.
        self.precision = precision
        self.generator, self.discriminator = self.build_networks()
        self._ema_weights = []
        object.__setattr__(self, "_inference_twin", None)  # see _float32_twin
        if g_ema_decay is not None:
            # Plain variables updated inside train_step (identical on every replica, so only the
            # first replica's update is kept); checkpointed with the model.
            for variable in self.generator.weights:
                average = self.add_weight(
                    shape=variable.shape, initializer="zeros", trainable=False,
                    aggregation="only_first_replica", name=f"ema_{variable.path.replace('/', '_')}",
                )
                average.assign(variable)
                self._ema_weights.append(average)
        self._trackers = [keras.metrics.Mean(name=name) for name in METRIC_NAMES]
        # G and D are built by construction; without this, fit() under a strategy tries to build
        # the wrapper by calling it on data (DESIGN fact 2).
        self.built = True

    def build_networks(self):
        """Return (generator, discriminator) for self.data_shape and self.latent_dim."""
        raise NotImplementedError

    def get_config(self):
        return {
            "name": self.name,
            "data_shape": list(self.data_shape),
            "latent_dim": self.latent_dim,
            "generator_loss": self.generator_loss,
            "d_steps": self.d_steps,
            "seed": self.seed,
            "g_ema_decay": self.g_ema_decay,
            "precision": self.precision,
        }

    # ----------------------------------------------------------------------------- compile
    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Configure training with one optimizer per network.

        Args:
            d_optimizer, g_optimizer: keras optimizers; None gives Adam(2e-4, beta_1=0.5).
            **kwargs: passed to keras.Model.compile (e.g. steps_per_execution, jit_compile).

        Both optimizers are built here, so call compile inside `strategy.scope()` (DESIGN fact 1).
        With precision="mixed_float16" both are wrapped in keras.optimizers.LossScaleOptimizer
        (Keras wraps only `compile(optimizer=...)`, DESIGN fact 8); train_step scales each loss
        with it, so float16 gradients of small losses do not flush to zero.
        """
        # optimizer=None: Keras would otherwise create (and checkpoint) an unused default one.
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = self._with_loss_scaling(d_optimizer or default_optimizer())
        self.g_optimizer = self._with_loss_scaling(g_optimizer or default_optimizer())
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

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
        if isinstance(data, tuple):
            data = data[0]
        if isinstance(data, dict):
            if "images" not in data:
                raise GanzooError(
                    f"dict batches need an 'images' key (and optionally 'latent'), got keys "
                    f"{sorted(data)}"
                )
            return data["images"], data.get("latent")
        return data, None

    def replica_latent(self, local_batch, sub_step):
        """This replica's rows of the global noise batch for (seed, step, sub_step).

        Call in a replica context (inside train_step or strategy.run). Replica r of N takes rows
        [r * local_batch, (r + 1) * local_batch) of one [N * local_batch, latent_dim] draw, so
        replicas differ from each other and together equal the single-device draw.
        """
        context = tf.distribute.get_replica_context()
        num_replicas = context.num_replicas_in_sync
        replica_id = tf.cast(context.replica_id_in_sync_group, tf.int32)
        global_latent = noise.latent_batch(
            local_batch * num_replicas,
            self.latent_dim,
            self.seed,
            self.g_optimizer.iterations,
            sub_step,
        )
        return global_latent[replica_id * local_batch : (replica_id + 1) * local_batch]

    def train_step(self, data):
        real, given_latent = self._split_batch(data)
        real = tf.cast(real, tf.float32)
        local_batch = tf.shape(real)[0]
        global_batch = local_batch * tf.distribute.get_replica_context().num_replicas_in_sync
        d_loss_tracker, g_loss_tracker, d_real_tracker, d_fake_tracker = self._trackers

        def latent_for(sub_step):
            if given_latent is not None:
                return tf.cast(given_latent, tf.float32)
            return self.replica_latent(local_batch, sub_step)

        for sub_step in range(self.d_steps):
            # G's forward pass stays outside the tape: D's step needs no gradient through G.
            fake = self.generator(latent_for(sub_step), training=True)
            with tf.GradientTape() as tape:
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = losses.discriminator_loss(real_logits, fake_logits)
                # scale_loss is the identity except under LossScaleOptimizer (mixed_float16),
                # whose apply_gradients divides the scale back out.
                scaled = self.d_optimizer.scale_loss(
                    tf.nn.compute_average_loss(d_loss, global_batch_size=global_batch)
                )
            d_vars = self.discriminator.trainable_variables
            self.d_optimizer.apply_gradients(zip(tape.gradient(scaled, d_vars), d_vars))
            d_loss_tracker.update_state(d_loss)
            d_real_tracker.update_state(tf.sigmoid(tf.reshape(real_logits, [-1])))
            d_fake_tracker.update_state(tf.sigmoid(tf.reshape(fake_logits, [-1])))

        generator_loss_fn = losses.GENERATOR_LOSSES[self.generator_loss]
        with tf.GradientTape() as tape:
            fake = self.generator(latent_for(self.d_steps), training=True)
            fake_logits = self.discriminator(fake, training=True)
            g_loss = generator_loss_fn(fake_logits)
            scaled = self.g_optimizer.scale_loss(
                tf.nn.compute_average_loss(g_loss, global_batch_size=global_batch)
            )
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(scaled, g_vars), g_vars))
        g_loss_tracker.update_state(g_loss)
        for average, variable in zip(self._ema_weights, self.generator.weights):
            average.assign(self.g_ema_decay * average + (1.0 - self.g_ema_decay) * variable)
        results = {tracker.name: tracker.result() for tracker in self._trackers}
        if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
            # Keras reduces scalars across workers along axis 0 and fails ("Invalid reduction
            # dimension 0", TF issue 72388); rank-1 values reduce correctly (DESIGN fact 6).
            results = {name: tf.reshape(value, [1]) for name, value in results.items()}
        return results

    # ----------------------------------------------------------------------------- inference
    def call(self, latent, training=False):
        """G(latent): float32 [batch, latent_dim] -> [batch, *data_shape]."""
        return self.generator(latent, training=training)

    def _needs_float32_twin(self):
        return bool(self._ema_weights) or self.precision != "float32"

    def _float32_twin(self):
        if self._inference_twin is None:
            config = {**self.get_config(), "precision": "float32", "g_ema_decay": None}
            # Not an attribute Keras tracks: the twin's variables must not join this model's
            # weights (nor its checkpoints).
            object.__setattr__(self, "_inference_twin", type(self).from_config(config))
        return self._inference_twin

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
        """float32 [num_samples, latent_dim] N(0, 1) noise, the same for the same seed everywhere."""
        return noise.latent_batch(num_samples, self.latent_dim, seed)

    def generate(self, num_samples=None, seed=0, latent=None, batch_size=256):
        """Samples from G in inference mode, as a numpy array [n, *data_shape].

        Images are in [-1, 1]. Give either `num_samples` (noise drawn from `seed`, see
        `sample_latent`) or an explicit `latent` batch [n, latent_dim].
        """
        if latent is None:
            if num_samples is None or num_samples < 1:
                raise GanzooError(f"num_samples must be a positive integer, got {num_samples!r}")
            latent = self.sample_latent(num_samples, seed)
        latent = tf.convert_to_tensor(latent, tf.float32)
        if latent.shape.rank != 2 or latent.shape[1] != self.latent_dim:
            raise GanzooError(
                f"latent must have shape [n, {self.latent_dim}], got {latent.shape.as_list()}"
            )
        return self.sampling_generator().predict(latent, batch_size=batch_size, verbose=0)
