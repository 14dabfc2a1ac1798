#include "config.h"

#include <errno.h>

#include "datasources.h"
#include "format.h"

int format_validate(const struct format *fmt)
{
    if (fmt->count > FORMAT_MAX_ITEMS)
        return -EINVAL;
    for (size_t i = 0; i < fmt->count; i++) {
        const struct format_item *item = &fmt->items[i];

        if ((item->source != FORMAT_LITERAL &&
             datasource_name(item->source) == NULL) ||
            item->offset > FORMAT_MAX_TEXT ||
            item->length > FORMAT_MAX_TEXT - item->offset)
            return -EINVAL;
    }
    return 0;
}

void format_render(const struct format *fmt, struct exec_event *ev,
                   struct textbuf *out)
{
    for (size_t i = 0; i < fmt->count; i++) {
        const struct format_item *item = &fmt->items[i];
        const char *text = fmt->text + item->offset;

        if (item->source == FORMAT_LITERAL)
            textbuf_put(out, text, item->length);
        else
            datasource_render(item->source, ev,
                              item->length != 0 ? text : NULL, item->length,
                              RENDER_QUOTED, out);
    }
}
