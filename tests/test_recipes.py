"""Recipes: per (model, data) values used exactly where the user set nothing."""

import logging

import numpy as np
import pytest

import ganzoo
import ganzoo.data
from ganzoo import train_lib
from ganzoo.configs import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, DataConfig, ModelConfig, TrainConfig
from ganzoo.models import arguments, recipes
from ganzoo.models.base import FINAL_LR_FRACTION


@pytest.mark.parametrize("key", sorted(recipes.RECIPES), ids="-".join)
def test_every_recipe_is_valid_for_its_model(key):
    model_name, data = key
    assert model_name in ganzoo.list_models()
    assert (data in recipes.DATA_KINDS or data in ganzoo.data.TOY_DATASETS
            or data in ganzoo.data.pipeline.NAMED_FOR_RECIPES)
    recipe = recipes.RECIPES[key]
    model_class = ganzoo.get_model_class(model_name)
    arguments.check_arguments(model_name, model_class.defaults, dict(recipe.model_args))
    assert recipe.evidence  # a recipe says what was measured to choose it


def test_unset_values_come_from_the_recipe():
    recipe = recipes.recipe_for("nsgan", "ring")
    data_config, model_config, train_config, taken = train_lib.with_recipe(
        DataConfig(dataset="ring"), ModelConfig(model="nsgan"), TrainConfig()
    )
    assert model_config.model_args == recipe.model_args
    assert data_config.batch_size == recipe.batch_size
    assert (train_config.steps, train_config.epochs) == (recipe.steps, None)
    # The toy recipes were measured in float32; "auto" would pick mixed_bfloat16 on some CPUs.
    assert model_config.precision == recipe.precision == "float32"
    assert taken == {**recipe.model_args, "batch_size": recipe.batch_size, "steps": recipe.steps,
                     "precision": "float32"}


def test_what_the_user_set_wins_over_the_recipe():
    data_config, model_config, train_config, taken = train_lib.with_recipe(
        DataConfig(dataset="grid", batch_size=32),
        ModelConfig(model="nsgan", preset="tiny", precision="mixed_bfloat16",
                    model_args={"g_learning_rate": 5e-4}),
        TrainConfig(epochs=3),
    )
    assert model_config.precision == "mixed_bfloat16"
    assert model_config.model_args["g_learning_rate"] == 5e-4
    assert "width" not in model_config.model_args  # the preset sets width: it counts as given
    assert model_config.model_kwargs()["width"] == 8
    assert (
        model_config.model_args["d_learning_rate"]
        == recipes.recipe_for("nsgan", "grid").model_args["d_learning_rate"]
    )
    assert data_config.batch_size == 32 and train_config.epochs == 3 and train_config.steps is None
    assert not {"g_learning_rate", "width", "batch_size", "steps", "precision"} & set(taken)


def test_without_a_recipe_the_fallbacks_apply():
    assert recipes.recipe_for("dcgan", "digits") is None
    data_config, model_config, train_config, taken = train_lib.with_recipe(
        DataConfig(dataset="digits"), ModelConfig(model="dcgan"), TrainConfig()
    )
    assert taken == {} and model_config.model_args == {}
    assert data_config.batch_size == DEFAULT_BATCH_SIZE
    assert (train_config.steps, train_config.epochs) == (None, DEFAULT_EPOCHS)


def test_a_run_logs_and_uses_its_recipe(tmp_path, caplog):
    recipe = recipes.recipe_for("nsgan", "ring")
    with caplog.at_level(logging.INFO, logger="ganzoo"):
        result = train_lib.train(
            DataConfig(dataset="ring"), ModelConfig(model="nsgan", model_args={"latent_dim": 4}),
            TrainConfig(steps=2, model_dir=str(tmp_path / "run"), export_dir="", verbose=0),
        )
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("recipe"))
    assert line.startswith("recipe for nsgan on ring: ")
    assert f"g_learning_rate={recipe.model_args['g_learning_rate']}" in line
    assert " steps=" not in line  # the user gave steps...
    assert "lr_decay_steps=2," in line  # ...which the recipe's decay then spans
    assert line.endswith(", precision=float32 (set any of them to override)")
    model = result.model
    assert model.precision == "float32"
    assert np.isclose(float(model.g_optimizer.learning_rate),
                      recipe.model_args["g_learning_rate"] * FINAL_LR_FRACTION)
    assert model.generator.layers[1].units == recipe.model_args["width"]


def test_describe_names_the_recipe_or_its_absence():
    keys = ganzoo.data.recipe_keys
    assert recipes.describe("nsgan", keys("grid")).startswith(
        "recipe for nsgan on grid: width=256, ")
    assert "steps=" in recipes.describe("nsgan", keys("ring"))
    assert recipes.describe("dcgan", keys("digits")) == (
        "no recipe for dcgan on images: the model's defaults apply"
    )


def test_recipes_are_keyed_by_what_the_data_source_reports_or_by_recipe():
    assert ganzoo.data.recipe_keys("grid") == ("grid", "points")
    assert ganzoo.data.recipe_keys("digits") == ("images",)
    # --recipe names the recipe whatever the data: Fashion-MNIST's for a folder of one's own.
    data_config = DataConfig(dataset="digits", recipe="fashion_mnist")
    assert train_lib.recipe_subject(data_config) == ("fashion_mnist",)
    _, model_config, _, taken = train_lib.with_recipe(
        data_config, ModelConfig(model="dcgan"), TrainConfig())
    assert taken == recipes.RECIPES[("dcgan", "fashion_mnist")].model_args
    none = train_lib.with_recipe(DataConfig(dataset="ring", recipe="none"),
                                 ModelConfig(model="nsgan"), TrainConfig())
    assert none[3] == {}  # no recipe: nothing taken
    with pytest.raises(ganzoo.GanzooError, match=r"^unknown --recipe 'fashoin'; choose one of: "
                                                 r"fashion_mnist, grid, ring, points, images, "
                                                 r"none$"):
        train_lib.recipe_subject(DataConfig(recipe="fashoin"))


def test_the_models_know_nothing_of_where_data_comes_from():
    import ast
    import pathlib

    for path in pathlib.Path(recipes.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names]
        assert not [name for name in imported if name and name.startswith("ganzoo.data")], path


def test_fashion_mnist_has_its_own_recipes_under_either_source(tmp_path):
    from tests.test_idx import make_split

    fashion = tmp_path / "fashion-mnist"
    make_split(fashion, "train", 8, seed=0)
    lookalike = tmp_path / "fashion-pictures"  # named like it, but no idx files
    lookalike.mkdir()
    digits_idx = tmp_path / "mnist"
    make_split(digits_idx, "train", 8, seed=0)
    expected = recipes.RECIPES[("dcgan", "fashion_mnist")]
    keys = ganzoo.data.recipe_keys
    for dataset in ("fashion_mnist", "fashion_mnist:3.0.1", str(fashion)):
        assert recipes.recipe_data("dcgan", keys(dataset)) == "fashion_mnist", dataset
        assert recipes.recipe_for("dcgan", keys(dataset)) is expected
    for dataset in (str(lookalike), str(digits_idx), "mnist", "digits"):
        assert recipes.recipe_data("dcgan", keys(dataset)) == "images", dataset
        assert recipes.recipe_for("dcgan", keys(dataset)) is None
    # A model without a Fashion-MNIST recipe keeps its kind's (none for images).
    assert recipes.recipe_for("wgan_gp", keys(str(fashion))) is None


def test_the_command_line_applies_the_recipe_to_the_flags_left_unset(tmp_path):
    # ganzoo-train's own path: absl's "was this flag given" decides what the recipe fills in
    # (here everything but --steps, which the decay then spans), batch size included.
    import json

    from tests.conftest import run_script

    result = run_script(
        "train.py", "--model=nsgan", "--dataset=ring", "--steps=2", "--verbose=0",
        f"--model_dir={tmp_path / 'run'}", "--export_dir=",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    recipe = recipes.recipe_for("nsgan", "ring")
    taken = {**recipe.model_args, "lr_decay_steps": 2, "batch_size": recipe.batch_size,
             "precision": recipe.precision}
    assert (f"recipe for nsgan on ring: {recipes.format_values(taken)} (set any of them to "
            f"override)") in result.stderr
    assert "global batch 256, per-replica batch 256; precision float32" in result.stderr
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["data"]["batch_size"] == recipe.batch_size == 256
    for name, value in {**recipe.model_args, "lr_decay_steps": 2}.items():
        assert run["model_arguments"][name] == value, name
    assert run["model_arguments"]["packing"] == 4
