"""Statistical coherence of a composite index: correlations and principal components per node.

For every node: the correlation of each child with its siblings (redundancy when |r| ≥ 0.9,
conflict when r < 0) and with the node itself (a child that hardly correlates with its aggregate,
|r| < 0.3, barely shapes it), and the share of the children's variance on their first principal
component (one dominant dimension, as an aggregate assumes). Correlations use the units where both
values are present (Pearson by default, Spearman on request).

>>> import pandas as pd
>>> from humsec.index.composite import CompositeIndex
>>> from humsec.index.model import IndexModel
>>> m = IndexModel.from_dict({"root": "R", "unit": "u", "nodes": {"R": {"children": ["a", "b"]}}})
>>> d = pd.DataFrame({"u": list("wxyz"), "a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8]})
>>> diag = index_diagnostics(CompositeIndex(m).fit(d))
>>> diag.pairs[["node", "child_a", "child_b", "r", "flag"]].to_dict("records")
[{'node': 'R', 'child_a': 'a', 'child_b': 'b', 'r': 1.0, 'flag': 'redundant'}]
>>> round(float(diag.nodes.loc[0, "pc1_share"]), 6)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from humsec.index.composite import IndexResult

__all__ = ["Diagnostics", "index_diagnostics"]

REDUNDANT = 0.9
WEAK = 0.3


@dataclass
class Diagnostics:
    """``pairs``: sibling correlations; ``parents``: child–node correlations; ``nodes``: PCA summary."""

    pairs: pd.DataFrame
    parents: pd.DataFrame
    nodes: pd.DataFrame


def index_diagnostics(
    result: IndexResult, method: Literal["pearson", "spearman", "kendall"] = "pearson"
) -> Diagnostics:
    """Correlation and PCA diagnostics at every node of a fitted index."""
    values = pd.concat([result.leaves, result.scores], axis=1)
    pair_rows, parent_rows, node_rows = [], [], []
    for name in result.model.order:
        children = list(result.model.nodes[name].children)
        block = values[children]
        corr = block.corr(method=method)
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                r = float(corr.to_numpy()[i, children.index(b)])
                flag = "redundant" if abs(r) >= REDUNDANT else ("conflicting" if r < 0 else "")
                pair_rows.append((name, a, b, r, flag))
            r_parent = float(values[a].corr(values[name], method=method))
            parent_rows.append((name, a, r_parent, "weak" if abs(r_parent) < WEAK else ""))
        node_rows.append((name, len(children), *_pca(block)))
    return Diagnostics(
        pd.DataFrame(pair_rows, columns=["node", "child_a", "child_b", "r", "flag"]),
        pd.DataFrame(parent_rows, columns=["node", "child", "r", "flag"]),
        pd.DataFrame(node_rows, columns=["node", "n_children", "pc1_share", "n_units_complete"]),
    )


def _pca(block: pd.DataFrame) -> tuple[float, int]:
    """Share of standardised variance on the first principal component (complete units only)."""
    complete = block.dropna()
    if len(complete) < 3 or block.shape[1] < 2:
        return float("nan"), len(complete)
    sd = complete.std(ddof=1).replace(0, np.nan)
    z = ((complete - complete.mean()) / sd).dropna(axis=1)
    if z.shape[1] < 2:
        return float("nan"), len(complete)
    eig = np.linalg.eigvalsh(np.corrcoef(z.to_numpy(), rowvar=False))
    return float(eig[-1] / eig.sum()), len(complete)
