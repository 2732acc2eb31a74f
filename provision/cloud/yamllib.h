/* provision/cloud/yamllib.h — libyaml, loaded on first use
 *
 * A user-data file that is #cloud-config is merged with the generated one
 * through libyaml's event parser and emitter (seed.c).  Like libarchive
 * (provision/fetch/arlib.h) it is dlopen()ed by the code that needs it, so
 * no other command pays for loading it.  Call through the table:
 * vp_yaml.yaml_parser_parse().  Types come from libyaml's own header with
 * __typeof__, so every call is still type-checked; a function missing from
 * the list fails to compile.  The document (loader) functions are here for
 * the unit tests, which read the merged document back.
 */
#ifndef VP_YAMLLIB_H
#define VP_YAMLLIB_H

#include <yaml.h>

#include "error.h"

#define VP_YAML_FUNCS(X)                                                                  \
	X(yaml_get_version_string)                                                           \
	X(yaml_parser_initialize) X(yaml_parser_delete) X(yaml_parser_set_input_string)       \
	X(yaml_parser_parse) X(yaml_parser_load) X(yaml_event_delete)                        \
	X(yaml_document_delete) X(yaml_document_get_root_node) X(yaml_document_get_node)      \
	X(yaml_emitter_initialize) X(yaml_emitter_delete) X(yaml_emitter_set_output)          \
	X(yaml_emitter_set_unicode) X(yaml_emitter_set_width) X(yaml_emitter_emit)            \
	X(yaml_stream_start_event_initialize) X(yaml_stream_end_event_initialize)             \
	X(yaml_document_start_event_initialize) X(yaml_document_end_event_initialize)         \
	X(yaml_alias_event_initialize) X(yaml_scalar_event_initialize)                        \
	X(yaml_sequence_start_event_initialize) X(yaml_sequence_end_event_initialize)         \
	X(yaml_mapping_start_event_initialize) X(yaml_mapping_end_event_initialize)

struct vp_yaml_lib {
#define VP_YAML_MEMBER(f) __typeof__(f) *f;
	VP_YAML_FUNCS(VP_YAML_MEMBER)
#undef VP_YAML_MEMBER
};

extern struct vp_yaml_lib vp_yaml;

/* Load libyaml-0.so.2 once per process (thread-safe); -1 with a sentence in
 * err when it cannot be loaded. */
int vp_yaml_load(struct vp_error *err);

#endif
