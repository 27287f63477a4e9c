"""Packaging for pylint-rnn: a pylint plugin and a runtime verifier for TensorFlow RNN weight-sharing pitfalls."""
from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="pylint-rnn",
    version="0.1.0",
    description=(
        "Finds TensorFlow RNN weight-sharing pitfalls: a pylint plugin (static) "
        "and a runtime verifier that confirms them by building the graph."
    ),
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.9",
    packages=find_packages(include=["pylint_rnn", "pylint_rnn.*"]),
    # messages/<symbol>/: each rule's details and examples, read at run time to render its docs page.
    package_data={"pylint_rnn": ["py.typed", "messages/*/*"]},
    # The static half needs pylint and astroid only: it never imports TensorFlow.
    install_requires=["pylint>=3.2,<5", "astroid>=3.2,<5"],
    extras_require={
        # The runtime verifier (pylint_rnn.verify) builds the user's graph with real TensorFlow.
        # tf-keras provides the legacy (TF1) RNN cells under TF_USE_LEGACY_KERAS=1.
        "runtime": ["tensorflow-cpu>=2.16,<2.22", "tf-keras>=2.16,<2.22"],
        "test": ["pytest>=7", "hypothesis>=6.80"],
    },
    entry_points={
        "console_scripts": [
            "pylint-rnn=pylint_rnn.cli:main",
            "pylint-rnn-verify=pylint_rnn.verify.cli:main",
        ],
    },
    classifiers=[
        "Framework :: Pylint",
        "Programming Language :: Python :: 3",
        "Topic :: Software Development :: Quality Assurance",
    ],
)
