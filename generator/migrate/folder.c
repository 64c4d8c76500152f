#include "folder.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replaces.h"

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *path_join(const char *a, const char *b)
{
    buf p = BUF_INIT;
    buf_puts(&p, a);
    if (p.len && p.data[p.len - 1] != '/')
        buf_putc(&p, '/');
    buf_puts(&p, b);
    return buf_steal(&p);
}

/* What a non-regular file is, for messages. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "a special file";
}

/* Read a regular file whole. O_NONBLOCK makes opening a FIFO return at
 * once instead of waiting for a writer; fstat on the opened descriptor
 * then decides (no window between checking and opening). On failure
 * returns NULL with errno set and, when `why` is given, the reason. */
static char *read_regular(const char *path, size_t *len, const char **why)
{
    *why = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = file_kind(st.st_mode);
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return NULL;
    }
    buf b = BUF_INIT;
    char chunk[8192];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n > 0) {
            buf_put(&b, chunk, (size_t)n);
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            int e = errno;
            close(fd);
            buf_free(&b);
            errno = e;
            return NULL;
        }
    }
    close(fd);
    if (len)
        *len = b.len;
    buf_cstr(&b);
    return b.data ? buf_steal(&b) : xstrdup("");
}

char *read_file_all(const char *path, size_t *len)
{
    const char *why;
    return read_regular(path, len, &why);
}

char *read_regular_file(const char *path, size_t *len, buf *err)
{
    const char *why;
    char *text = read_regular(path, len, &why);
    if (!text && why)
        buf_printf(err, "cannot read %s: it is %s, not a regular file\n", path, why);
    else if (!text)
        buf_printf(err, "cannot read %s: %s\n", path, strerror(errno));
    return text;
}

int write_file_all(const char *path, const char *data, size_t len)
{
    /* Write beside, then rename: a reader never sees half a file. */
    buf t = BUF_INIT;
    buf_printf(&t, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(t.data, "wb");
    if (!f) {
        buf_free(&t);
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(t.data, path) != 0) {
        int e = errno;
        unlink(t.data);
        buf_free(&t);
        errno = e;
        return -1;
    }
    buf_free(&t);
    return 0;
}

char *migrations_path_for_schema(const char *schema_path)
{
    /* Strip trailing slashes, then the last component: the folder holding
     * the schema file, or the one holding the schema folder. */
    size_t n = strlen(schema_path);
    while (n > 1 && schema_path[n - 1] == '/')
        n--;
    while (n > 0 && schema_path[n - 1] != '/')
        n--;
    buf p = BUF_INIT;
    if (n == 0)
        buf_puts(&p, "migrations");
    else {
        buf_put(&p, schema_path, n);
        buf_puts(&p, "migrations");
    }
    return buf_steal(&p);
}

/* ---- slug ------------------------------------------------------------- */

char *migration_slug(const char *name)
{
    buf out = BUF_INIT;
    bool pending_sep = false;
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isalnum(c) && c < 128) {
            /* Word boundaries inside camelCase: "addPosts" -> add_posts,
             * "HTTPServer" -> http_server, "v2Api" -> v2_api. */
            if (isupper(c) && i > 0) {
                unsigned char prev = (unsigned char)name[i - 1];
                unsigned char next = i + 1 < n ? (unsigned char)name[i + 1] : 0;
                if (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next)))
                    pending_sep = true;
            }
            if (pending_sep && out.len)
                buf_putc(&out, '_');
            pending_sep = false;
            buf_putc(&out, (char)tolower(c));
        } else {
            pending_sep = true;
        }
    }
    if (out.len > MIGRATION_SLUG_MAX)
        buf_truncate(&out, MIGRATION_SLUG_MAX);
    while (out.len && out.data[out.len - 1] == '_')
        buf_truncate(&out, out.len - 1);
    buf_cstr(&out);
    return buf_steal(&out);
}

/* ---- reading ---------------------------------------------------------- */

/* "<14 digits>_<anything without '/'>", at most MIGRATION_NAME_MAX bytes. */
static bool valid_migration_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 15 || n > MIGRATION_NAME_MAX || name[14] != '_')
        return false;
    for (int i = 0; i < 14; i++)
        if (!isdigit((unsigned char)name[i]))
            return false;
    return true;
}

static bool is_hidden(const char *name) { return name[0] == '.'; }

static int name_cmp(const void *a, const void *b)
{
    return strcmp(((const migration_file *)a)->name, ((const migration_file *)b)->name);
}

static void check_lock_file(const char *path, buf *err)
{
    size_t len;
    char *text = read_regular_file(path, &len, err);
    if (!text)
        return;
    /* Prisma accepts any layout as long as the provider is ours. */
    const char *p = strstr(text, "provider");
    bool ok = false;
    if (p) {
        p += strlen("provider");
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '=') {
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            ok = !strncmp(p, "\"postgresql\"", 12);
        }
    }
    if (!ok)
        buf_printf(err,
                   "%s does not say provider = \"postgresql\": these migrations were made for "
                   "another database provider\n",
                   path);
    free(text);
}

/* PostgreSQL takes a query as a C string: a NUL byte would silently end
 * the migration there, and the cut-off text would be recorded as applied.
 * Reports the first one as path:line:col (1-based, bytes) and returns
 * true when there is one. */
static bool check_no_nul(const char *path, const char *text, size_t len, buf *err)
{
    const char *nul = memchr(text, '\0', len);
    if (!nul)
        return false;
    unsigned line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < (size_t)(nul - text); i++)
        if (text[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    buf_printf(err,
               "%s:%u:%zu: contains a NUL byte; PostgreSQL would run only the SQL before it. "
               "A migration is plain text: remove the byte (it often comes from a file saved "
               "as UTF-16 or a bad copy)\n",
               path, line, (size_t)(nul - text) - line_start + 1);
    return true;
}

/* Read one migration folder into `m`; report problems to `err`. */
static void read_one(const char *folder, const char *name, migration_file *m, buf *err)
{
    m->name = xstrdup(name);
    m->dir = path_join(folder, name);
    DIR *d = opendir(m->dir);
    if (!d) {
        buf_printf(err, "cannot read %s: %s\n", m->dir, strerror(errno));
        return;
    }
    bool has_sql = false, has_replaces = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (is_hidden(e->d_name))
            continue;
        if (!strcmp(e->d_name, MIGRATION_SQL_FILE))
            has_sql = true;
        else if (!strcmp(e->d_name, MIGRATION_SCHEMA_FILE))
            m->has_schema = true;
        else if (!strcmp(e->d_name, MIGRATION_DOWN_FILE))
            m->has_down = true;
        else if (!strcmp(e->d_name, MIGRATION_REPLACES_FILE))
            has_replaces = true;
        else
            buf_printf(err,
                       "unexpected file %s/%s: a migration folder holds only migration.sql "
                       "(and refract's schema.prisma, down.sql and replaces.txt)\n",
                       m->dir, e->d_name);
    }
    closedir(d);
    if (has_replaces) {
        char *path = path_join(m->dir, MIGRATION_REPLACES_FILE);
        replaces_read(path, m, err);
        free(path);
    }
    if (!has_sql) {
        buf_printf(err, "migration %s has no migration.sql (expected %s/migration.sql)\n", name,
                   m->dir);
        return;
    }
    char *sql_path = path_join(m->dir, MIGRATION_SQL_FILE);
    m->sql = read_regular_file(sql_path, &m->sql_len, err);
    if (m->sql && !check_no_nul(sql_path, m->sql, m->sql_len, err))
        sha256_hex(m->sql, m->sql_len, m->checksum);
    free(sql_path);
}

int migrations_read(const char *path, migration_folder *out, buf *err)
{
    memset(out, 0, sizeof *out);
    out->path = xstrdup(path);
    size_t err_start = err->len;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        buf_printf(err, "cannot read the migrations folder %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        buf_printf(err, "%s should be the migrations folder but is not a folder\n", path);
        return -1;
    }
    out->exists = true;
    DIR *d = opendir(path);
    if (!d) {
        buf_printf(err, "cannot read the migrations folder %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (is_hidden(name))
            continue;
        char *full = path_join(path, name);
        bool is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        if (!strcmp(name, MIGRATION_LOCK_FILE) && !is_dir) {
            check_lock_file(full, err);
        } else if (!is_dir) {
            buf_printf(err,
                       "unexpected file %s: the migrations folder holds only migration folders "
                       "and migration_lock.toml\n",
                       full);
        } else if (!valid_migration_name(name)) {
            buf_printf(err,
                       "%s is not a migration folder name: expected <YYYYMMDDHHMMSS>_<name> "
                       "(14 digits, '_', a name; at most %d characters)\n",
                       full, MIGRATION_NAME_MAX);
        } else {
            if (out->count == cap) {
                cap = cap ? 2 * cap : 16;
                out->items = realloc(out->items, cap * sizeof *out->items);
                if (!out->items) {
                    fputs("refract: out of memory\n", stderr);
                    abort();
                }
            }
            migration_file *m = &out->items[out->count++];
            memset(m, 0, sizeof *m);
            read_one(path, name, m, err);
        }
        free(full);
    }
    closedir(d);
    if (out->count)
        qsort(out->items, out->count, sizeof *out->items, name_cmp);
    return err->len > err_start ? -1 : 0;
}

void migrations_free(migration_folder *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->items[i].name);
        free(f->items[i].dir);
        free(f->items[i].sql);
        for (size_t k = 0; k < f->items[i].nreplaces; k++)
            free(f->items[i].replaces[k]);
        free(f->items[i].replaces);
    }
    free(f->items);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/* ---- schema snapshot -------------------------------------------------- */

static int snapshot_dir(const char *root, const char *rel, buf *out, buf *err)
{
    char *dir = rel[0] ? path_join(root, rel) : xstrdup(root);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        buf_printf(err, "cannot read %s: %s\n", dir, strerror(errno));
        free(dir);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (rc == 0 && !is_hidden(name)) {
            char *sub_rel = rel[0] ? path_join(rel, name) : xstrdup(name);
            char *full = path_join(root, sub_rel);
            struct stat st;
            size_t len = strlen(name);
            if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
                rc = snapshot_dir(root, sub_rel, out, err);
            } else if (len > 7 && !strcmp(name + len - 7, ".prisma")) {
                size_t flen;
                char *text = read_regular_file(full, &flen, err);
                if (!text) {
                    rc = -1;
                } else {
                    if (out->len && out->data[out->len - 1] != '\n')
                        buf_putc(out, '\n');
                    buf_printf(out, "// refract: file %s\n", sub_rel);
                    buf_put(out, text, flen);
                    free(text);
                }
            }
            free(full);
            free(sub_rel);
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    return rc;
}

int migrations_snapshot_schema(const char *schema_path, buf *out, buf *err)
{
    struct stat st;
    if (stat(schema_path, &st) != 0) {
        buf_printf(err, "cannot read %s: %s\n", schema_path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return snapshot_dir(schema_path, "", out, err);
    size_t len;
    char *text = read_regular_file(schema_path, &len, err);
    if (!text)
        return -1;
    buf_put(out, text, len);
    free(text);
    return 0;
}

/* ---- creating --------------------------------------------------------- */

static int ensure_dir(const char *path, buf *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    buf_printf(err, "cannot create %s: %s\n", path, strerror(errno));
    return -1;
}

/* Add one second to a 14-digit UTC timestamp. */
static void next_second(const char *ts14, char out[15])
{
    struct tm tm = {0};
    sscanf(ts14, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
           &tm.tm_min, &tm.tm_sec);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + 1;
    gmtime_r(&t, &tm);
    strftime(out, 15, "%Y%m%d%H%M%S", &tm);
}

int migrations_create(migration_folder *f, const char *slug, time_t now, const char *sql,
                      const char *schema_text, char **created_name, buf *err)
{
    char ts[15];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y%m%d%H%M%S", &tm);
    if (f->count && strncmp(ts, f->items[f->count - 1].name, 14) <= 0)
        next_second(f->items[f->count - 1].name, ts);

    if (ensure_dir(f->path, err) != 0)
        return -1;
    char *lock = path_join(f->path, MIGRATION_LOCK_FILE);
    struct stat st;
    int rc = 0;
    if (stat(lock, &st) != 0 &&
        write_file_all(lock, MIGRATION_LOCK_CONTENT, strlen(MIGRATION_LOCK_CONTENT)) != 0) {
        buf_printf(err, "cannot write %s: %s\n", lock, strerror(errno));
        rc = -1;
    }
    free(lock);
    if (rc)
        return -1;

    buf name = BUF_INIT;
    buf_printf(&name, "%s_%s", ts, slug);
    if (name.len > MIGRATION_NAME_MAX)
        buf_truncate(&name, MIGRATION_NAME_MAX);
    char *dir = path_join(f->path, name.data);
    if (mkdir(dir, 0777) != 0) {
        buf_printf(err, "cannot create %s: %s\n", dir, strerror(errno));
        rc = -1;
    }
    char *sql_path = path_join(dir, MIGRATION_SQL_FILE);
    char *schema_path = path_join(dir, MIGRATION_SCHEMA_FILE);
    if (rc == 0 && write_file_all(sql_path, sql, strlen(sql)) != 0) {
        buf_printf(err, "cannot write %s: %s\n", sql_path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && write_file_all(schema_path, schema_text, strlen(schema_text)) != 0) {
        buf_printf(err, "cannot write %s: %s\n", schema_path, strerror(errno));
        rc = -1;
    }
    free(sql_path);
    free(schema_path);
    free(dir);
    if (rc == 0)
        *created_name = buf_steal(&name);
    else
        buf_free(&name);
    return rc;
}
