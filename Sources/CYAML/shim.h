// libyaml (Debian libyaml-dev, pkg-config yaml-0.1): the event parser only, for the probe's
// target description files (StepgateProbe/YAMLReader.swift). Nothing here needs a wrapper:
// Swift imports yaml_parser_* and the event structures as they are.
#pragma once
#include <yaml.h>
