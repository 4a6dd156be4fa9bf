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
    group_ancestors,
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
    "group_ancestors",
    "reference_problems",
]
