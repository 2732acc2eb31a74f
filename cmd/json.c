/* cmd/json.c — the JSON output helpers every --json uses */
#include <stdio.h>

#include "vprov.h"

json_object *vp_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void vp_json_print(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void vp_json_line(FILE *f, json_object *o)
{
	fprintf(f, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(f);
	json_object_put(o);
}
