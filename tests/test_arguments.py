"""Arguments owned by what uses them: a model takes its own arguments and those of the parts it
is built with (its backbone, its augmentation, the regularisers), and no others."""

import pytest

import ganzoo
from ganzoo import augment, backbones, regularizers
from ganzoo.errors import GanzooError
from ganzoo.models import arguments

# The arguments only some parts take, and the choice that brings each.
PART_ONLY = {
    "hidden_layers": {"architecture": "mlp"},
    "attention": {"architecture": "resnet"},
    "augment_policy": {"augment": "diffaugment"},
    "ada_target": {"augment": "ada"},
    "ada_kimg": {"augment": "ada"},
}


def listed(text):
    """{argument: default as printed} of a describe_model table."""
    return {line.split()[0]: line.split()[1] for line in text.splitlines()[2::2]}


def test_a_model_lists_only_its_own_and_its_parts_arguments():
    table = listed(ganzoo.describe_model("dcgan"))
    assert not set(PART_ONLY) & set(table)
    # Its backbone's width and every regulariser's arguments, at their defaults.
    assert table["width"] == "64"
    assert {"gp_weight", "r1_weight", "r1_interval", "bcr_weight"} <= set(table)
    assert "class_loss_weight" not in table  # ACGAN's own argument


@pytest.mark.parametrize("name, choice", sorted(PART_ONLY.items()))
def test_choosing_a_part_brings_its_arguments_at_the_parts_defaults(name, choice):
    table = listed(ganzoo.describe_model("dcgan", **choice))
    assert name in table
    owner, = [owner for owner, _ in arguments.all_arguments()[name]]
    value = next(iter(choice.values()))
    assert owner.endswith(f"={value}")


def test_the_parts_declare_the_defaults_a_model_then_takes():
    model = ganzoo.get_model("dcgan", data_shape=(16, 16, 1), architecture="resnet",
                             augment="ada", latent_dim=4, width=4)
    assert model.attention is None
    assert model.ada_target == augment.arguments_of("ada")["ada_target"].default == 0.6
    assert model.ada_kimg == 100
    assert not hasattr(model, "hidden_layers") and not hasattr(model, "augment_policy")
    # A model's override of a part's default holds for that part: wgan_gp's lambda = 10.
    assert ganzoo.get_model("wgan_gp", data_shape=(2,), latent_dim=4, width=4).gp_weight == 10.0
    assert regularizers.REGULARIZERS["gradient_penalty"].arguments["gp_weight"].default == 0.0


def test_auto_takes_the_arguments_of_the_backbone_it_builds():
    vectors = ganzoo.get_model("wgan_gp", data_shape=(2,), latent_dim=4, width=4,
                               hidden_layers=1)
    assert vectors.hidden_layers == 1 and len(vectors.discriminator.layers) < 8
    with pytest.raises(GanzooError, match=r"^wgan_gp has no argument 'hidden_layers' with "
                                          r"architecture=auto and augment=none: it comes with "
                                          r"architecture=mlp; its arguments: "):
        ganzoo.get_model("wgan_gp", data_shape=(16, 16, 1), hidden_layers=1)
    # Described before it sees data, auto lists both of its backbones' arguments.
    assert "hidden_layers" in listed(ganzoo.describe_model("wgan_gp"))


def test_an_argument_nobody_takes_is_refused_with_the_models_list():
    with pytest.raises(GanzooError) as refusal:
        ganzoo.get_model("dcgan", data_shape=(16, 16, 1), no_such_argument=1)
    message = str(refusal.value)
    assert message.startswith("dcgan has no argument 'no_such_argument'; its arguments: "
                              "latent_dim, architecture, ")
    assert "attention" not in message and "\n" not in message
    # Another model's own argument is no part's: the same plain refusal, with no "comes with".
    with pytest.raises(GanzooError, match=r"^dcgan has no argument 'class_loss_weight'; its "
                                          r"arguments: latent_dim, "):
        ganzoo.get_model("dcgan", data_shape=(16, 16, 1), class_loss_weight=1.0)


def test_configs_saved_with_every_parts_arguments_still_load():
    model = ganzoo.get_model("dcgan", data_shape=(16, 16, 1), latent_dim=4, width=4)
    config = model.get_config()
    assert "attention" not in config and "width" in config
    # As saved before parts owned their arguments: every argument of every model and part.
    old = {**config, "hidden_layers": 2, "attention": None, "augment_policy": "color",
           "ada_target": 0.6, "ada_kimg": 100}
    loaded = type(model).from_config(old)
    assert loaded.get_config() == {**config, "name": loaded.name}
    with pytest.raises(GanzooError, match="has no argument 'no_such_argument'"):
        type(model).from_config({**old, "no_such_argument": 1})


def test_every_part_argument_has_a_default_its_own_check_accepts():
    for owner, name, argument in arguments._part_arguments():
        assert argument.check(owner, name, argument.default) == argument.default, (owner, name)
    names = [name for _, name, _ in backbones.all_arguments()]
    assert {"width", "hidden_layers", "attention", "mapping_layers", "style_mixing",
            "mbstd_group"} == set(names)


def test_arguments_that_share_a_name_share_a_type():
    # The CLI defines one flag per name: arguments two parts share must agree on their type.
    for name, owners in arguments.all_arguments().items():
        kinds = {(argument.kind, argument.choices) for _, argument in owners}
        assert len(kinds) == 1, name
