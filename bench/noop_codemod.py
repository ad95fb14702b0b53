"""A codemod that changes nothing: what running libcst's own codemod runner over a tree costs."""

from libcst.codemod import VisitorBasedCodemodCommand


class NoOpCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = "Parses every file and leaves it as it is."
