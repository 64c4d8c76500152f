/*
 * model_json.h — the resolved model as JSON, the format of
 * `refract model --json` (see docs/model-json.md).
 */
#ifndef REFRACT_MODEL_JSON_H
#define REFRACT_MODEL_JSON_H

#include "../util/buf.h"
#include "model.h"

/* Append the JSON document for `s` (ending in a newline) to `out`. */
void model_to_json(const model_schema *s, buf *out);

#endif
