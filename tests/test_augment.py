"""The augmentation parts (ganzoo.augment): each transformation by hand, determinism for a
key, gradients, ADA's adaptation of p, and exactness across replicas and resumes."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import augment, noise
from ganzoo.augment import ada, diffaugment
from ganzoo.errors import GanzooError
from tests.test_models import batches, mirrored, train_sgd  # noqa: F401  (a fixture)

IMAGES = tf.constant(
    np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 3)).astype("float32")
)


def policy(name, images, uniforms):
    function, width = diffaugment.POLICIES[name]
    assert uniforms.shape[1] == width
    return function(images, tf.constant(uniforms, tf.float32)).numpy()


def test_diffaugment_color_at_the_middle_of_its_ranges_is_the_identity():
    # brightness + (0.5 - 0.5), saturation x 2 * 0.5, contrast x (0.5 + 0.5)
    np.testing.assert_allclose(policy("color", IMAGES, np.full((4, 3), 0.5)), IMAGES, atol=1e-6)
    brighter = policy("color", IMAGES, np.array([[1.0, 0.5, 0.5]] * 4))
    np.testing.assert_allclose(brighter, IMAGES.numpy() + 0.5, atol=1e-6)


def test_diffaugment_translation_moves_each_image_by_its_own_integer_shift():
    # 16 px: shifts in [-2, 2] (1/8 of the side, rounded); u -> floor(5u) - 2.
    uniforms = np.array([[0.0, 0.5], [0.99, 0.5], [0.5, 0.0], [0.5, 0.5]])
    moved = policy("translation", IMAGES, uniforms)
    x = IMAGES.numpy()
    np.testing.assert_array_equal(moved[0, 2:], x[0, :-2])  # rows: out[i] = in[i - 2]
    np.testing.assert_array_equal(moved[0, :2], 0.0)  # zeros move in
    np.testing.assert_array_equal(moved[1, :-2], x[1, 2:])
    np.testing.assert_array_equal(moved[2, :, 2:], x[2, :, :-2])  # columns
    np.testing.assert_array_equal(moved[3], x[3])  # u = 0.5: no shift


def test_diffaugment_cutout_zeroes_one_square_of_half_the_side():
    cut = policy("cutout", IMAGES, np.array([[0.5, 0.5], [0.0, 0.0], [0.99, 0.3], [0.2, 0.7]]))
    zero = np.all(cut == 0.0, axis=-1)
    # Centred: an 8x8 square; at the corner, the quarter of it inside the image (4x4).
    assert zero[0].sum() == 64 and zero[0][4:12, 4:12].all()
    assert zero[1].sum() == 16 and zero[1][:4, :4].all()
    kept = ~zero
    np.testing.assert_array_equal(cut[kept], IMAGES.numpy()[kept])


def test_diffaugment_is_deterministic_for_a_key_and_differentiable():
    model = ganzoo.get_model("dcgan", data_shape=(16, 16, 3), latent_dim=8, width=4,
                             augment="diffaugment")
    part = model.augmentation
    assert part.num_uniforms == 7
    key = noise.uniform_matrix(4, part.num_uniforms, 0, 5, 1)
    np.testing.assert_array_equal(part.apply(IMAGES, key), part.apply(IMAGES, key))
    other = noise.uniform_matrix(4, part.num_uniforms, 0, 6, 1)
    assert not np.allclose(part.apply(IMAGES, key), part.apply(IMAGES, other))
    images = tf.Variable(IMAGES)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(part.apply(images, key) ** 2)
    gradient = tape.gradient(total, images).numpy()
    assert np.isfinite(gradient).all() and np.abs(gradient).sum() > 0


def test_diffaugment_policies_are_checked_in_one_line():
    with pytest.raises(GanzooError, match=r"^augment_policy='color,blur': unknown 'blur'; a "
                                          r"comma-separated list of: color, translation, cutout$"):
        ganzoo.get_model("dcgan", data_shape=(16, 16, 1), augment="diffaugment",
                         augment_policy="color,blur")
    with pytest.raises(GanzooError, match="augments images .H, W, C., not data of shape .2,."):
        ganzoo.get_model("gan", data_shape=(2,), augment="ada")
    assert augment.list_augmentations() == ["none", "diffaugment", "ada"]


def test_ada_at_p_zero_passes_images_unchanged_and_at_one_transforms_them():
    model = ganzoo.get_model("dcgan", data_shape=(16, 16, 3), latent_dim=8, width=4,
                             augment="ada")
    part = model.augmentation
    uniforms = noise.uniform_matrix(4, ada.NUM_UNIFORMS, 0, 1)
    np.testing.assert_allclose(part.apply(IMAGES, uniforms), IMAGES, atol=1e-5)
    part.p.assign(1.0)
    assert not np.allclose(part.apply(IMAGES, uniforms), IMAGES, atol=1e-2)


def test_ada_geometry_by_hand_flip_and_quarter_turn():
    model = ganzoo.get_model("dcgan", data_shape=(16, 16, 3), latent_dim=8, width=4,
                             augment="ada")
    part = model.augmentation
    part.p.assign(0.5)
    flip_only = np.full((1, ada.NUM_UNIFORMS), 0.9, "float32")  # nothing applies...
    flip_only[0, ada._XFLIP] = 0.1  # ...but the flip
    flipped = part.apply(IMAGES[:1], tf.constant(flip_only)).numpy()
    np.testing.assert_allclose(flipped, IMAGES.numpy()[:1, :, ::-1], atol=1e-5)
    turn = np.full((1, ada.NUM_UNIFORMS), 0.9, "float32")
    turn[0, ada._ROTATE], turn[0, ada._ROTATE + 1] = 0.1, 0.3  # k = floor(4 * 0.3) = 1
    turned = part.apply(IMAGES[:1], tf.constant(turn)).numpy()[0]
    candidates = [np.rot90(IMAGES.numpy()[0], k) for k in (1, 3)]  # either sense of a turn
    assert min(np.abs(turned - c).max() for c in candidates) < 1e-5


def _observed(model, sign, steps):
    for step in range(steps):
        model.g_optimizer.iterations.assign(step)
        model.augmentation.observe(tf.constant(16.0 * sign), tf.constant(16.0))
    return float(model.augmentation.p.numpy())


def test_ada_p_rises_while_d_overfits_and_falls_when_it_does_not():
    model = ganzoo.get_model("dcgan", data_shape=(16, 16, 1), latent_dim=8, width=4,
                             augment="ada", ada_kimg=1)
    model.compile()
    # r_t = 1 > 0.6: every ADA_INTERVAL steps p rises by the 64 images seen / 1,000.
    assert _observed(model, +1.0, 8) == pytest.approx(2 * 0.064)
    assert _observed(model, +1.0, 3) == pytest.approx(2 * 0.064)  # no adjustment within 4
    assert _observed(model, -1.0, 12) == pytest.approx(0.0)  # falls, clipped at 0
    assert _observed(model, +1.0, 4 * 30) == pytest.approx(1.0)  # clipped at 1


def test_ada_adapts_p_identically_on_two_replicas_and_resumes_it(mirrored, tmp_path):
    # ada_kimg=1 and a target of 0: p rises by 8 images x 4 steps / 1,000 per interval while
    # D's outputs on the reals lean positive, and falls otherwise; either way it moves.
    overrides = {"latent_dim": 8, "width": 4, "augment": "ada", "ada_kimg": 1,
                 "ada_target": 0.0}
    one = train_sgd(tf.distribute.get_strategy(), "dcgan", (16, 16, 1), overrides, 8)
    two = train_sgd(mirrored, "dcgan", (16, 16, 1), overrides, 8)
    p_one, p_two = (float(model.augmentation.p.numpy()) for model in (one[2], two[2]))
    assert p_one > 0 and p_one == pytest.approx(p_two, abs=1e-7)
    np.testing.assert_allclose(one[1]["ada_p"], two[1]["ada_p"], atol=1e-7)
    copies = mirrored.experimental_local_results(two[2].augmentation.p.value)
    assert len(copies) == 2 and float(copies[0]) == float(copies[1])
    # p, and the running sums between adjustments, are weights: saved and restored.
    path = str(tmp_path / "ada.keras")
    one[2].save(path)
    loaded = keras.models.load_model(path)
    for name in ("p", "sign_sum", "count"):
        assert float(getattr(loaded.augmentation, name).numpy()) == float(
            getattr(one[2].augmentation, name).numpy())
