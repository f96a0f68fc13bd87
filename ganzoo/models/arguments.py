"""The arguments a zoo model takes: its own, and those of the parts it is built with.

A model class names its own arguments, with its defaults, in its `defaults` dict (data, not
code: `ganzoo.describe_model(name)` prints it, the CLI turns each argument into a flag). Its
parts declare the arguments they read where they are defined: the backbone chosen by
`architecture` (e.g. resnet's `attention`), the augmentation chosen by `augment` (e.g. ADA's
`ada_target`) and every regulariser (any model may switch one on). A model takes its own
arguments plus those of its chosen parts, and no others: `hidden_layers` is refused by a model
on DCGAN networks, `ada_target` without `augment=ada`. A model's `defaults` may override a part's
default (wgan_gp's `gp_weight`); an override for a part it is not built with is ignored.

Every value is checked against its Argument (ganzoo.arguments), so that a bad value fails at
construction with one line naming the allowed range, whichever way it came in (Python, a
flag, a saved config).
"""

from ganzoo import augment, backbones, losses, regularizers
from ganzoo.arguments import Argument, beta, positive_int, rate
from ganzoo.backbones import common as backbone_common
from ganzoo.errors import GanzooError

# The arguments of the models themselves; parts declare theirs where they are defined.
MODEL_ARGUMENTS = {
    "latent_dim": positive_int("Width of the noise vector z ~ N(0, I)."),
    "architecture": Argument(
        str, f"The backbone (ganzoo.backbones): {backbones.architecture_help()}.",
        choices=backbones.architecture_choices(),
    ),
    "augment": Argument(
        str, "Augmentation of every image D sees, reals and fakes, in both steps "
        "(ganzoo.augment): none, diffaugment (Zhao et al. 2020) or ada (Karras et al. 2020, p "
        "adapted to D's overfitting).", choices=tuple(augment.list_augmentations()),
    ),
    "d_normalization": Argument(
        str, "Normalisation of D's hidden layers (spectral: every layer of D spectrally "
        "normalised).", choices=backbone_common.NORMALIZATIONS,
    ),
    "synchronized_batch_norm": Argument(
        bool, "Batch-norm statistics over all replicas (exact at any replica count) rather than "
        "per replica (faster on many devices, results then depend on the replica count).",
    ),
    "loss_family": Argument(
        str, "(D loss, G loss) pair, see ganzoo/losses.py.", choices=tuple(losses.LOSS_FAMILIES)
    ),
    "d_steps": positive_int("Discriminator updates per generator update (k)."),
    "packing": positive_int(
        "PacGAN packing (Lin et al. 2018): D judges packs of this many samples, all real or all "
        "fake, joined along the channel (images) or feature (vectors) axis; losses and "
        "penalties are per pack; the per-replica batch must be a multiple; 1 = off. "
        "Unconditional models only."
    ),
    "d_learning_rate": rate("Adam learning rate of D."),
    "g_learning_rate": rate("Adam learning rate of G."),
    "lr_decay_steps": Argument(
        int, "Generator steps over which both learning rates fall linearly to 1 % of their "
        "values (D's over as many of its own updates, d_steps per step), then stay; None = "
        "constant.", low=1, optional=True,
    ),
    "beta_1": beta("Adam beta_1 of both optimizers."),
    "beta_2": beta("Adam beta_2 of both optimizers."),
    "g_ema_decay": Argument(
        float, "Decay of an exponential moving average of G's weights (e.g. 0.999) used for "
        "samples, evaluation and export, warmed up as min(decay, (1 + t) / (10 + t)) after G "
        "step t; None = off.", low=0.0, high=1.0, low_open=True,
        high_open=True, optional=True,
    ),
    "seed": Argument(
        int, "Key of every random draw of training (noise, interpolates, fake labels).", low=0
    ),
    "num_classes": Argument(
        int, "Classes of a conditional model (set from the data's labels by ganzoo-train).", low=2
    ),
    "class_names": Argument(
        list, "Names of the classes, index i = label i (from the data; default '0', '1', ...); "
        "they travel with checkpoints and exports.", optional=True,
    ),
    "class_loss_weight": Argument(
        float, "Weight of the auxiliary classifier's cross-entropy in D's and G's objectives.",
        low=0.0,
    ),
    "pl_weight": Argument(
        float, "StyleGAN2's path-length regularisation: weight of (|J_w^T y| - a)^2, a the "
        "running mean of the lengths (decay 0.01); 0 = off (the paper's cifar setting), 2 = "
        "the paper's.", low=0.0,
    ),
    "pl_interval": positive_int(
        "Lazy path-length regularisation: every N generator steps, N times as strong, G's Adam "
        "rate and betas adjusted as the paper (4)."
    ),
    "precision": Argument(
        str, "Compute precision of G and D (variables, G's output and D's output stay float32).",
        choices=backbone_common.PRECISIONS,
    ),
}


def _part_arguments():
    """[(owner, argument name, Argument)] of every registered part, the owner naming how the
    part is chosen: "architecture=resnet", "augment=ada", "regulariser r1_penalty"."""
    return ([(f"architecture={part}", name, argument)
             for part, name, argument in backbones.all_arguments()]
            + [(f"augment={part}", name, argument)
               for part, name, argument in augment.all_arguments()]
            + [(f"regulariser {part}", name, argument)
               for part, name, argument in regularizers.all_arguments()])


def _part_names():
    return {name for _, name, _ in _part_arguments()}


def all_arguments():
    """{name: [(owner, Argument)]} of every argument any model or part takes, the owner being
    "model" or the part's (the CLI defines one flag for each name)."""
    table = {name: [("model", argument)] for name, argument in MODEL_ARGUMENTS.items()}
    for owner, name, argument in _part_arguments():
        table.setdefault(name, []).append((owner, argument))
    return table


def _chosen_parts(model_name, defaults, given, data_shape):
    """[(owner, {name: Argument})] of the parts a model with these values is built with."""
    values = {**defaults, **given}
    architecture = MODEL_ARGUMENTS["architecture"].check(model_name, "architecture",
                                                         values["architecture"])
    chosen = [(f"architecture={b.name}", b.arguments)
              for b in backbones.candidates(architecture, data_shape)]
    name = MODEL_ARGUMENTS["augment"].check(model_name, "augment", values["augment"])
    chosen.append((f"augment={name}", augment.arguments_of(name)))
    chosen.extend((f"regulariser {r.name}", r.arguments)
                  for r in regularizers.REGULARIZERS.values())
    return chosen


def table_of(model_name, defaults, given=None, data_shape=None):
    """{name: (default, Argument, owner)} of every argument the model takes with the values
    `given` (its architecture and augmentation decide its parts). `data_shape` resolves
    architecture "auto"; without it (a model described before it sees data) the table has the
    arguments of both of auto's backbones."""
    given = given or {}
    chosen = {}
    for owner, arguments in _chosen_parts(model_name, defaults, given, data_shape):
        for name, argument in arguments.items():
            chosen.setdefault(name, (argument, owner))
    part_names = _part_names()
    # In the order of the model's defaults, then the parts' other arguments.
    table = {}
    for name, value in defaults.items():
        if name not in part_names:
            table[name] = (value, MODEL_ARGUMENTS[name], "model")
        elif name in chosen:
            table[name] = (value, *chosen[name])
    for name, (argument, owner) in chosen.items():
        table.setdefault(name, (argument.default, argument, owner))
    return table


def without_unused_parts(model_name, defaults, config):
    """`config` (a saved model config: arguments, data_shape, ...) without the arguments of
    parts the model is not built with, which configs saved before parts owned their arguments
    carry (every argument of every part)."""
    part_names = _part_names()
    given = {name: value for name, value in config.items()
             if name in part_names or name in MODEL_ARGUMENTS}
    data_shape = config.get("data_shape")
    table = table_of(model_name, defaults, given,
                     None if data_shape is None else tuple(data_shape))
    return {name: value for name, value in config.items()
            if name in table or name not in part_names}


def check_arguments(model_name, defaults, given, data_shape=None):
    """{name: value} of every argument the model takes: its defaults and its parts', updated
    with `given`, each checked.

    Raises:
        GanzooError: an argument the model does not take (naming the part that does, and
            listing the ones the model takes), or a value outside its allowed range.
    """
    table = table_of(model_name, defaults, given, data_shape)
    owners = {}  # the parts that bring each part argument
    for owner, name, _ in _part_arguments():
        owners.setdefault(name, []).append(owner)
    unknown = sorted(set(given) - set(table))
    if unknown:
        name = unknown[0]
        if name in owners:
            values = {**defaults, **given}
            raise GanzooError(
                f"{model_name} has no argument {name!r} with architecture="
                f"{values['architecture']} and augment={values['augment']}: it comes with "
                f"{' or '.join(owners[name])}; its arguments: {', '.join(table)}"
            )
        raise GanzooError(
            f"{model_name} has no argument {name!r}; its arguments: {', '.join(table)}"
        )
    return {name: argument.check(model_name, name, given.get(name, default))
            for name, (default, argument, _) in table.items()}


def describe(model_name, defaults, given=None):
    """A table of a model's arguments with the values `given`: name, default, allowed values,
    meaning, and which part it belongs to."""
    table = table_of(model_name, defaults, given)
    rows = [f"{model_name} arguments (--name=value on the command line, name=value in Python; "
            f"a part's arguments come with the part: --architecture, --augment):"]
    for name, (default, argument, owner) in table.items():
        rows.append(f"  {name:24} {default!s:16} {argument.allowed()}")
        of = "" if owner == "model" else f"[{owner}] "
        rows.append(f"  {'':24} {of}{argument.help}")
    return "\n".join(rows)
