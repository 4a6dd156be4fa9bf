"""The design document model: pure data, no Qt, no networkx."""

from archdesigner.model.design import (
    FORMAT,
    FORMAT_VERSION,
    ID_PATTERN,
    Autoscale,
    Design,
    Group,
    Link,
    LintConfig,
    Node,
    Position,
    descendant_groups,
    group_ancestors,
    group_chain,
    nodes_in_groups,
    reference_problems,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ID_PATTERN",
    "Autoscale",
    "Design",
    "Group",
    "Link",
    "LintConfig",
    "Node",
    "Position",
    "descendant_groups",
    "group_ancestors",
    "group_chain",
    "nodes_in_groups",
    "reference_problems",
]
