"""``dugnad animate SCENARIO --out file.gif``: the classroom pictures as an animated GIF, for rooms
without a browser. Left: one neighbourhood's network (as in the app); right: participation of
adults by background month by month. Drawn with matplotlib, written with Pillow."""

from __future__ import annotations

from pathlib import Path

from model.errors import DugnadError
from model.safe_io import temp_name


def animate(scenario: str, out: Path, months: int = 60, every: int = 3, persons: int = 1500, seed: int = 1,
            fps: int = 4, progress: bool = True) -> Path:
    import sys

    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.animation import FuncAnimation, PillowWriter
    from matplotlib.figure import Figure
    from tqdm import tqdm

    from model.teaching import ClassroomModel, draw_lines, draw_network

    out = Path(out)
    if out.suffix.lower() != ".gif":
        raise DugnadError(f"--out: must end in .gif (got {out})")
    if every < 1 or months < 1:
        raise DugnadError("--months and --every must be ≥ 1")
    path = Path(scenario)
    m = ClassroomModel(scenario_file=str(path.resolve()), persons=persons, seed=seed)
    fig = Figure(figsize=(11, 4.8), dpi=80)
    ax_net = fig.add_axes((0.01, 0.02, 0.5, 0.8))
    ax_line = fig.add_axes((0.58, 0.12, 0.4, 0.74))
    frames = months // every + 1
    bar = tqdm(total=frames, desc="animate", unit="frame", disable=not progress, file=sys.stderr)

    def frame(i):
        if i > 0:
            for _ in range(every):
                m.step()
        draw_network(m, ax_net)
        draw_lines(m, ax_line, "participation", "Adults taking part in an organisation", ylim=(0, 1))
        ax_line.set_xlim(0, months)
        fig.suptitle(f"{m.params.name}: month {m.month}", fontsize=10)
        bar.update(1)
        return []

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(f"{temp_name(out)}.gif")   # the writer picks its format from the suffix
    anim = FuncAnimation(fig, frame, frames=frames, blit=False)
    try:
        anim.save(tmp, writer=PillowWriter(fps=fps))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
        bar.close()
    return out
