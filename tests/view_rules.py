"""What a view demands, read from its code: the permission it passes to `require_access` (itself
or through a helper of its module), the object rules it calls (`may_*` of a permissions module),
and its decorators. The matrix derives every expected answer from this and the role table, so
there is no second list of who may open what."""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, field
from functools import cache

from coalitions import permissions as perms

DYNAMIC = "chosen when the request comes"


@dataclass(frozen=True)
class ViewRule:
    checks_access: bool  # calls require_access: non-members get 404
    permission: str | None  # the permission it requires beyond VIEW, if any
    object_rules: tuple = field(default_factory=tuple)  # (function, ...) from a permissions module
    login_required: bool = False
    post_only: bool = False


def _decorators(function) -> set[str]:
    names = set()
    for node in function.decorator_list:
        target = node.func if isinstance(node, ast.Call) else node
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


def _function_node(function):
    source = textwrap.dedent(inspect.getsource(function))
    return ast.parse(source).body[0]


@cache
def _requirements(function) -> tuple[bool, str | None, tuple]:
    """(calls require_access, permission, object rules) of one function, following the helpers
    of its own module."""
    module = inspect.getmodule(function)
    node = _function_node(function)
    checks, permission, rules = False, None, []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        callee = call.func
        name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
        if name == "require_access":
            checks = True
            argument = call.args[2] if len(call.args) > 2 else None
            for keyword in call.keywords:
                if keyword.arg == "perm":
                    argument = keyword.value
            if isinstance(argument, ast.Attribute):
                holder = vars(module).get(getattr(argument.value, "id", ""))
                # perms.X names a permission of the table; anything else is chosen at run time.
                permission = getattr(perms, argument.attr) if holder is perms else DYNAMIC
        elif isinstance(callee, ast.Name) and inspect.isfunction(vars(module).get(name)):
            helper = vars(module)[name]
            if helper.__module__ == module.__name__ and helper is not function:
                h_checks, h_permission, h_rules = _requirements(helper)
                checks = checks or h_checks
                permission = permission or h_permission
                rules.extend(h_rules)
    # An object rule refuses where the view says `if not may_...(...): raise ...`; elsewhere it
    # only decides what the page offers.
    for branch in ast.walk(node):
        if not (isinstance(branch, ast.If) and isinstance(branch.test, ast.UnaryOp)):
            continue
        call = branch.test.operand
        if not (isinstance(call, ast.Call) and isinstance(branch.test.op, ast.Not)):
            continue
        name = getattr(call.func, "id", getattr(call.func, "attr", ""))
        refuses = any(isinstance(statement, ast.Raise) for statement in branch.body)
        if refuses and name.startswith("may_") and name in vars(module):
            rules.append(vars(module)[name])
    return checks, permission, tuple(rules)


@cache
def view_rule(callback) -> ViewRule:
    view = inspect.unwrap(callback)
    node = _function_node(view)
    checks, permission, rules = _requirements(view)
    decorators = _decorators(node)
    return ViewRule(
        checks_access=checks,
        permission=None if permission == perms.VIEW else permission,
        object_rules=rules,
        login_required="login_required" in decorators,
        post_only="require_POST" in decorators,
    )


def call_rule(rule, *, access, obj, user) -> bool:
    """Calls an object rule with what its parameters name: access, the user, the object."""
    arguments = []
    for name in inspect.signature(rule).parameters:
        if name == "access":
            arguments.append(access)
        elif name == "user":
            arguments.append(user)
        else:
            arguments.append(obj)
    return rule(*arguments)
