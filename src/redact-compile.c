#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

#define MYSQL "mysql,mariadb,mysqldump,mariadb-dump,mysqladmin,mariadb-admin," \
              "mysqlimport,mysqlcheck,mysqlshow,mysqlslap,mysqlpump," \
              "mysqlbinlog,mariadb-binlog,mariadb-import,mariadb-check," \
              "mariadb-show,mariadb-slap,mysql_upgrade,mariadb-upgrade"
#define MONGO "mongo,mongosh,mongodump,mongorestore,mongoexport,mongoimport," \
              "mongostat,mongotop,mongofiles"
#define LDAP "ldapsearch,ldapadd,ldapmodify,ldapdelete,ldapmodrdn," \
             "ldappasswd,ldapwhoami,ldapcompare,ldapexop"
#define SNMP "snmpwalk,snmpget,snmpset,snmpbulkwalk,snmpbulkget," \
             "snmpgetnext,snmptrap,snmptable,snmpinform,snmpdelta," \
             "snmpstatus,snmpdf,snmpnetstat,snmptest,snmpusm,snmpvacm"
#define SMB "smbclient,rpcclient,smbcacls,smbget,smbtree,smbcquotas,net," \
            "smbmap,winexe,samba-tool,wbinfo"
#define REGISTRY "docker login,podman login,buildah login,nerdctl login," \
                 "skopeo login,crane auth,oras login,regctl registry"
#define KEYTOOL "keytool,jarsigner"
#define PSQL "psql,pg_dump,pg_dumpall,pg_restore,createdb,dropdb," \
             "createuser,dropuser,vacuumdb,reindexdb,clusterdb," \
             "pg_basebackup,pgbench,pg_receivewal,pg_isready"
#define FREEIPMI "ipmi-sensors,ipmi-config,ipmi-chassis,ipmipower," \
                 "ipmiconsole,bmc-info,ipmi-sel,ipmi-fru,ipmi-raw," \
                 "bmc-device,ipmi-oem"

/* What `defaults` stands for: the finders that apply to every word, and
 * the options of common tools, from each tool's manual.  Long options
 * are matched whole, never by getopt's unique prefixes: a prefix needs
 * the program's own option table. */
static const char *const builtin_rules[] = {
    "names", "headers", "url",
    /* A bare -p or --password prompts: the next word is the database. */
    "attached:-p@" MYSQL, "novalue:--password@" MYSQL,
    "novalue:--password@" PSQL, "novalue:-W@" PSQL, "novalue:-w@" PSQL,
    "value:-p@sshpass",
    /* Without a separator curl prompts for the password. */
    "userinfo:-u@curl", "userinfo:--user@curl", "userinfo:-U@curl",
    "userinfo:--proxy-user@curl", "userinfo:-E@curl", "userinfo:--cert@curl",
    "value:--oauth2-bearer@curl", "cookie:-b@curl", "cookie:--cookie@curl",
    "userinfo:-a@http,https,xh", "userinfo:--auth@http,https,xh",
    "value:-C@ab", "userinfo:-A@ab", "userinfo:-a@check_http,check_curl",
    "value:-a@redis-cli,redis-benchmark,memtier_benchmark,keydb-cli,"
    "valkey-cli",
    "positional:0@redis-cli AUTH,redis-cli auth",
    "value:requirepass@redis-cli", "value:masterauth@redis-cli",
    "value:-w@" LDAP ",kadmin", "value:-s@ldappasswd", "value:-a@ldappasswd",
    "value:-P@check_ldap", "value:-pw@addprinc,ank,cpw,add_principal,"
    "change_password",
    "value:-p@" REGISTRY ",oc login", "userinfo:-u@crane auth",
    "userinfo:--creds@skopeo,podman,buildah",
    "userinfo:--src-creds@skopeo", "userinfo:--dest-creds@skopeo",
    "passarg:-passin@openssl", "passarg:-passout@openssl",
    "passarg:-pass@openssl", "separate:-k@openssl",
    "positional:0@openssl passwd", "positional:0@mkpasswd",
    "value:-P@zip,zipcloak,unzip,funzip", "attached:-p@7z,7za,7zr,7zz,rar,unrar",
    "attached:-hp@rar",
    "userinfo%:-U@" SMB, "userinfo%:--user@" SMB,
    "userinfo%:--authenticate@wbinfo", "userinfo%:-a@wbinfo",
    "positional:2@smbclient",
    "userinfo,:-u@lftp,open,user", "value:-y@ipmitool",
    "value:-p@unar,steghide,doveadm,ipa-server-install,ipa-client-install,"
    "ipa-replica-install", "value:-a@ipa-server-install",
    "value:-w@ipa-client-install", "value:-W@pk12util", "value:-K@ccrypt",
    "value:-s@slappasswd", "value:-P@gpg-preset-passphrase",
    "value:-t@influx,anaconda", "value:--bearer@xh,http,https",
    "positional:2@nuget push", "value:-k@dotnet nuget,nuget",
    "positional:1@vault unwrap",
    "positional:3@ejabberdctl register,prosodyctl register,"
    "ejabberdctl change_password",
    "positional:3@consul acl", "positional:1@snyk auth",
    "pair@dotnet user-secrets", "value:-P@yubico-piv-tool",
    "value:-N@yubico-piv-tool",
    "positional:2@rabbitmqctl authenticate_user", "positional:5@mc admin",
    "positional:4@net rpc", "pair@aws configure",
    "userinfo/:userid@sqlldr,exp,imp,expdp,impdp", "value:-p@ncftp,ncftpput,ncftpget,ncftpls",
    "value:-P@ipmitool", "value:-p@" FREEIPMI ",racadm",
    "positional:4@ipmitool user",
    "value:-A@" SNMP, "value:-X@" SNMP, "value:-c@" SNMP ",onesixtyone",
    "value:-C@check_snmp",
    "value:-storepass@" KEYTOOL, "value:-keypass@" KEYTOOL,
    "value:-srcstorepass@keytool", "value:-deststorepass@keytool",
    "value:-srckeypass@keytool", "value:-destkeypass@keytool",
    "value:-new@keytool",
    "positional:2@wpa_passphrase",
    "keyword@nmcli,iwconfig,iw,wpa_cli,mysqladmin,mariadb-admin",
    "positional:4@ipmitool lan", "keep:-f@ipmitool",
    "value:-p@az login,ibmcloud login,fly,pihole",
    "value:aws_secret_access_key@aws", "value:aws_session_token@aws",
    "value:--value@aws ssm,az keyvault", "value:--body@gh secret",
    "value:-b@gh secret", "value:-t@doctl auth",
    "value:-p@" MONGO ",mydumper,myloader,cypher-shell,cqlsh,rabbitmqadmin,"
    "check_mysql,check_pgsql,memcstat,memcp,memccat,memcdump,memcflush,"
    "memcrm,memcslap,memcapable,memcexist,memctouch,rdesktop,openfortivpn,"
    "twine",
    "value:-P@sqlcmd,bcp,tsql,mosquitto_pub,mosquitto_sub,mosquitto_rr",
    "value:-pw@plink,pscp,psftp", "value:-N@ssh-keygen",
    "value:-P@ssh-keygen", "value:--pin@pkcs11-tool",
    "value:--so-pin@pkcs11-tool", "value:--puk@pkcs11-tool",
    "attached:/p@xfreerdp,xfreerdp3,wlfreerdp",
    "attached:/password@xfreerdp,xfreerdp3,wlfreerdp",
    "positional/:1@sqlplus,expdp,impdp,sqlldr,exp,imp,rman,dgmgrl",
    "userinfo:--uri@mysqlsh", "value:--plaintext@caddy",
    "value:using@db2", "novalue:--password@mysqlsh",
    "userinfo/:target@rman", "userinfo/:catalog@rman",
    "userinfo/:auxiliary@rman",
    "positional:3@isql", "userinfo:--user@etcdctl",
    "positional:2@rabbitmqctl add_user",
    "positional:2@rabbitmqctl change_password",
    "positional:1@vault login", "positional:2@vault operator",
    "positional:0@htpasswd -b,mosquitto_passwd -b",
    "positional:3@samba-tool user", "positional:2@grafana-cli admin",
    "positional:2@neo4j-admin dbms",
    "positional:1@neo4j-admin set-initial-password",
    "positional:2@cf auth", "positional:2@ngrok config",
    "positional:1@ngrok authtoken", "positional:2@drush user:password",
    "positional:5@mc alias", "positional:2@bw login",
    "positional:1@bw unlock", "positional:1@cargo login",
    "pair@poetry config,composer config,yarn config,npm config,"
    "pnpm config,conda config,pip config",
    "keep:--passwordenv@bw", "keep:--passwordfile@bw",
    "keep:-m@mkpasswd", "keep:-S@mkpasswd", "keep:-R@mkpasswd",
    "name:sonar.login", "name:secret_id",
    "keep:--secret@gcloud,docker,podman,buildah,nerdctl",
    "keep:credentials@mount,mount.cifs",
    "keep:-c@smbclient", "keep:-p@smbclient", "keep:-L@smbclient",
    "keep:-A@smbclient", "keep:-W@smbclient", "keep:-I@smbclient",
    "keep:-D@smbclient", "keep:-T@smbclient", "keep:-m@smbclient",
    "keep:-n@smbclient", "keep:-s@smbclient", "keep:-t@smbclient",
    "keep:-d@smbclient", "keep:-l@smbclient", "keep:-O@smbclient",
    "keep:-pass@ffmpeg",
    "stdin@chpasswd,chgpasswd,sudo -S,passwd --stdin,smbpasswd -s,"
    "docker login,podman login,helm registry,cryptsetup,vault login,"
    "gh auth,kinit,adcli,vncpasswd,htpasswd -i,ldappasswd -T,passwd,"
    "smbpasswd,openssl passwd,mkpasswd --stdin,realm join,net ads",
    NULL
};

const char redact_default_spec[] = "defaults";

static const struct {
    const char *name;
    uint8_t kind;
    uint8_t separator;
} rule_words[] = {
    { "value", KIND_VALUE, 0 },
    { "separate", KIND_SEPARATE, 0 },
    { "attached", KIND_ATTACHED, 0 },
    { "userinfo", KIND_USERINFO, ':' },
    { "userinfo%", KIND_USERINFO, '%' },
    { "userinfo,", KIND_USERINFO, ',' },
    { "userinfo/", KIND_USERINFO, '/' },
    { "passarg", KIND_PASSARG, 0 },
    { "cookie", KIND_COOKIE, 0 },
    { "novalue", KIND_NOVALUE, 0 },
    { "keep", KIND_KEEP, 0 },
    { "positional", KIND_POSITIONAL, 0 },
    { "positional/", KIND_POSITIONAL, '/' },
    { "pair", KIND_PAIR, 0 },
    { "keyword", KIND_KEYWORD, 0 },
    { "stdin", KIND_STDIN, 0 },
    { "name", KIND_NAME, 0 },
    { "names", KIND_NAMES, 0 },
    { "headers", KIND_HEADERS, 0 },
    { "url", KIND_URL, 0 },
    { "defaults", KIND_DEFAULTS, 0 },
    { "none", KIND_NONE, 0 },
    { NULL, 0, 0 },
};

/* One rule as written, before it is placed. */
struct parsed {
    uint8_t kind, separator, position;
    const char *option, *programs;
    size_t option_length, programs_length, column;
};

#define MAX_PARSED (REDACT_MAX_RULES + 1)

struct compiler {
    struct redact_rules *r;
    size_t used;            /* bytes of r->text taken */
    const char *none;       /* where 'none' was given, or NULL */
    bool defaults;
    size_t count;
    struct parsed parsed[MAX_PARSED];
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int bad_byte(struct diag *d, size_t column, char byte,
                    const char *where)
{
    unsigned char c = (unsigned char)byte;

    if (c > 0x20 && c < 0x7f)
        return diag_fail(d, column, "invalid character '%c' in %s", c, where);
    return diag_fail(d, column, "invalid byte 0x%02x in %s", c, where);
}

/* Option text must never hold '=' (it ends the option in OPTION=VALUE),
 * nor the spec's own separators. */
static bool option_byte_ok(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '=' && c != ',' && c != '@';
}

/* Basenames as the kernel allows them, minus what the list syntax uses;
 * one blank separates a program from its subcommand or option. */
static int check_programs(const char *list, size_t len, size_t column,
                          struct diag *d)
{
    const char *p = list, *end = list + len;

    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        const char *blank = memchr(p, ' ', (size_t)(stop - p));

        if (stop == p || blank == p || (blank != NULL && blank + 1 == stop))
            return diag_fail(d, column + (size_t)(p - list),
                             "empty program name");
        for (const char *c = p; c < stop; c++) {
            unsigned char b = (unsigned char)*c;

            if (*c == '/')
                return diag_fail(d, column + (size_t)(p - list), "program "
                                 "'%.*s' is a path: rules match the "
                                 "basename of argv[0]", (int)(stop - p), p);
            if ((b <= 0x20 && !(b == ' ' && c == blank)) || b == 0x7f ||
                *c == '@' || *c == ';')
                return bad_byte(d, column + (size_t)(c - list), *c,
                                "program name");
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int rule_kind(const char *s, size_t len, uint8_t *separator)
{
    for (size_t i = 0; rule_words[i].name != NULL; i++)
        if (strlen(rule_words[i].name) == len &&
            strncmp(rule_words[i].name, s, len) == 0) {
            *separator = rule_words[i].separator;
            return rule_words[i].kind;
        }
    return -ENOENT;
}

static int parse_list(struct compiler *c, const char *spec, size_t base,
                      struct diag *d);

/* The parts a kind needs: an option (o), programs (p); '-' none, '?'
 * optional, '!' required. */
static int check_parts(const struct parsed *pr, const char *word,
                       size_t word_len, struct diag *d)
{
    bool whole_command = pr->kind == KIND_STDIN || pr->kind == KIND_PAIR ||
                         pr->kind == KIND_KEYWORD;
    bool needs_option = !whole_command && pr->kind < KIND_NAMES;
    bool needs_programs = pr->kind == KIND_POSITIONAL || whole_command;
    bool no_programs = pr->kind >= KIND_NAME;

    if (pr->kind == KIND_NAME && pr->option_length == 0)
        return diag_fail(d, pr->column, "redact rule 'name' needs a "
                         "pattern, as in 'name:*_secret'");
    if (needs_option && pr->option_length == 0)
        return diag_fail(d, pr->column, "redact rule '%.*s' needs an "
                         "option, as in '%.*s:--password'", (int)word_len,
                         word, (int)word_len, word);
    if (!needs_option && pr->option != NULL && pr->kind != KIND_NAME)
        return diag_fail(d, pr->column + word_len, "redact rule '%.*s' "
                         "takes no option", (int)word_len, word);
    if (needs_programs && pr->programs_length == 0)
        return diag_fail(d, pr->column, "redact rule '%.*s' needs programs, "
                         "as in '%.*s@htpasswd'", (int)word_len, word,
                         (int)word_len, word);
    if (no_programs && pr->programs != NULL)
        return diag_fail(d, pr->column + word_len, "redact rule '%.*s' "
                         "takes no program list", (int)word_len, word);
    return 0;
}

static int parse_option(struct parsed *pr, const char *spec, struct diag *d)
{
    for (size_t i = 0; i < pr->option_length; i++)
        if (!option_byte_ok((unsigned char)pr->option[i]))
            return bad_byte(d, (size_t)(pr->option - spec) + i,
                            pr->option[i], "redact option");
    if (pr->kind != KIND_POSITIONAL)
        return 0;
    if (pr->option_length == 0 || pr->option_length > 3 ||
        strspn(pr->option, "0123456789") < pr->option_length ||
        atoi(pr->option) > 255)
        return diag_fail(d, (size_t)(pr->option - spec), "positional "
                         "rule needs a number from 0 (the last operand) to "
                         "255");
    pr->position = (uint8_t)atoi(pr->option);
    if (pr->position == 0 && pr->separator != 0)
        return diag_fail(d, (size_t)(pr->option - spec), "'positional/' "
                         "needs an operand's number: the last operand is "
                         "hidden whole");
    return 0;
}

/* One rule: s[0..len), blanks already trimmed. */
static int parse_rule(struct compiler *c, const char *spec, const char *s,
                      size_t len, struct diag *d)
{
    size_t name_len = 0;
    const char *end = s + len, *at;
    struct parsed pr = { .column = (size_t)(s - spec) };
    int kind, r;

    while (name_len < len && s[name_len] != ':' && s[name_len] != '@')
        name_len++;
    kind = rule_kind(s, name_len, &pr.separator);
    if (kind < 0)
        return diag_fail(d, pr.column, "unknown redact rule '%.*s'",
                         (int)(name_len < 64 ? name_len : 64), s);
    if (kind == KIND_NONE || kind == KIND_DEFAULTS) {
        const char **seen = kind == KIND_NONE ? &c->none : NULL;

        if (name_len < len)
            return diag_fail(d, pr.column + name_len, "redact rule '%.*s' "
                             "takes no option or program list",
                             (int)name_len, s);
        if (seen != NULL ? *seen != NULL : c->defaults)
            return diag_fail(d, pr.column, "'%.*s' given twice",
                             (int)name_len, s);
        if (seen != NULL) {
            *seen = s;
            return 0;
        }
        c->defaults = true;
        for (size_t i = 0; builtin_rules[i] != NULL; i++) {
            r = parse_list(c, builtin_rules[i], pr.column, d);
            if (r < 0)
                return r;
        }
        return 0;
    }
    pr.kind = (uint8_t)kind;
    at = memchr(s, '@', len);
    if (name_len < len && s[name_len] == ':') {
        pr.option = s + name_len + 1;
        pr.option_length = (size_t)((at != NULL ? at : end) - pr.option);
    }
    if (at != NULL) {
        pr.programs = at + 1;
        pr.programs_length = (size_t)(end - at - 1);
        if (pr.programs_length == 0)
            return diag_fail(d, (size_t)(at - spec), "empty program list "
                             "after '@'");
        r = check_programs(pr.programs, pr.programs_length,
                           (size_t)(pr.programs - spec), d);
        if (r < 0)
            return r;
    }
    r = check_parts(&pr, s, name_len, d);
    if (r == 0)
        r = parse_option(&pr, spec, d);
    if (r < 0)
        return r;
    if (c->count == MAX_PARSED - 1)
        return diag_fail(d, pr.column, "too many redact rules (at most %d, "
                         "'defaults' counting as many as it holds)",
                         REDACT_MAX_RULES);
    c->parsed[c->count++] = pr;
    return 0;
}

/* base: a built-in rule's errors point at 'defaults' in the spec. */
static int parse_list(struct compiler *c, const char *spec, size_t base,
                      struct diag *d)
{
    const char *p = spec;

    for (;;) {
        const char *semicolon = strchr(p, ';');
        const char *s = p, *e = semicolon != NULL ? semicolon : p + strlen(p);
        int r;

        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (s == e)
            return diag_fail(d, base + (size_t)(p - spec),
                             "empty redact rule");
        r = parse_rule(c, spec, s, (size_t)(e - s), d);
        if (r < 0) {
            d->column += base;
            return r;
        }
        if (semicolon == NULL)
            return 0;
        p = semicolon + 1;
    }
}

/* Puts s[0..n) in the rules' text, where it is already if it is. */
static int put_text(struct compiler *c, const char *s, size_t n,
                    uint16_t *at, size_t column, struct diag *d)
{
    struct redact_rules *r = c->r;

    /* No text (a finder's option): s may be NULL. */
    if (n == 0) {
        *at = 0;
        return 0;
    }
    for (size_t i = 0; i + n <= c->used; i++)
        if (memcmp(r->text + i, s, n) == 0) {
            *at = (uint16_t)i;
            return 0;
        }
    if (n > REDACT_MAX_TEXT - c->used)
        return diag_fail(d, column, "redact rules are too long (at most %d "
                         "bytes of options and program names)",
                         REDACT_MAX_TEXT);
    memcpy(r->text + c->used, s, n);
    *at = (uint16_t)c->used;
    c->used += n;
    return 0;
}

static int place_entries(struct compiler *c, const struct parsed *pr,
                         uint16_t index, struct diag *d)
{
    struct redact_rules *r = c->r;
    const char *p = pr->programs, *end = p + pr->programs_length;

    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        const char *blank = memchr(p, ' ', (size_t)(stop - p));
        const char *name_end = blank != NULL ? blank : stop;
        struct redact_entry *e = &r->entry[r->entries];
        int rc;

        if (r->entries == REDACT_MAX_ENTRIES || name_end - p > 255 ||
            stop - name_end > 255)
            return diag_fail(d, pr->column, "too many redact programs (at "
                             "most %d in all)", REDACT_MAX_ENTRIES);
        e->rule = index;
        e->program_length = (uint8_t)(name_end - p);
        rc = put_text(c, p, e->program_length, &e->program, pr->column, d);
        if (rc == 0 && blank != NULL) {
            e->qualifier_length = (uint8_t)(stop - blank - 1);
            rc = put_text(c, blank + 1, e->qualifier_length, &e->qualifier,
                          pr->column, d);
        }
        if (rc < 0)
            return rc;
        r->entries++;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int place_rule(struct compiler *c, const struct parsed *pr,
                      struct diag *d)
{
    struct redact_rules *r = c->r;
    struct redact_rule *rule = &r->rules[r->count];
    int rc;

    if (r->count == REDACT_MAX_RULES)
        return diag_fail(d, pr->column, "too many redact rules (at most %d, "
                         "'defaults' counting as many as it holds)",
                         REDACT_MAX_RULES);
    rule->kind = pr->kind;
    rule->separator = pr->separator;
    rule->position = pr->position;
    rule->option_length = (uint16_t)pr->option_length;
    rc = put_text(c, pr->option, pr->option_length, &rule->option,
                  pr->column, d);
    if (rc < 0)
        return rc;
    r->count++;
    return pr->programs != NULL
               ? place_entries(c, pr, (uint16_t)(r->count - 1), d)
               : 0;
}

static const struct redact_rules *sorting;

static int entry_order(const void *a, const void *b)
{
    const struct redact_entry *x = a, *y = b;
    const char *t = sorting->text;
    unsigned bx = redact_bucket(t + x->program, x->program_length);
    unsigned by = redact_bucket(t + y->program, y->program_length);
    int cmp;

    if (bx != by)
        return bx < by ? -1 : 1;
    cmp = memcmp(t + x->program, t + y->program,
                 x->program_length < y->program_length ? x->program_length
                                                       : y->program_length);
    if (cmp != 0)
        return cmp;
    if (x->program_length != y->program_length)
        return x->program_length < y->program_length ? -1 : 1;
    /* Deterministic, so that the cache file is reproducible. */
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Sorts the entries by bucket and name, so that a program's rules are one
 * run found by one lookup. */
static void index_entries(struct redact_rules *r)
{
    size_t b = 0;

    sorting = r;
    qsort(r->entry, r->entries, sizeof(r->entry[0]), entry_order);
    for (size_t i = 0; i < r->entries; i++) {
        unsigned own = redact_bucket(r->text + r->entry[i].program,
                                     r->entry[i].program_length);

        while (b <= own)
            r->bucket[b++] = (uint16_t)i;
    }
    while (b <= REDACT_BUCKETS)
        r->bucket[b++] = r->entries;
}

/* What every scan would otherwise work out from the generic rules. */
static void index_generic(struct redact_rules *r)
{
    r->names_rule = r->headers_rule = r->url_rule = REDACT_NO_RULE;
    for (uint16_t i = r->generic; i-- > 0;) {
        uint8_t kind = r->rules[i].kind;

        if (kind == KIND_NAMES)
            r->names_rule = i;
        else if (kind == KIND_HEADERS)
            r->headers_rule = i;
        else if (kind == KIND_URL)
            r->url_rule = i;
        r->generic_options |= kind >= KIND_VALUE && kind <= KIND_KEEP;
    }
}

int redact_compile(struct redact_rules *r, const char *spec, struct diag *d)
{
    static struct compiler c;
    int rc;

    /* Whole, so that the cache file written from it is reproducible. */
    memset(r, 0, sizeof(*r));
    memset(&c, 0, sizeof(c));
    c.r = r;
    if (spec[strspn(spec, " \t")] == '\0')
        return diag_fail(d, 0, "empty redact spec (write 'none' for no "
                         "redaction)");
    rc = parse_list(&c, spec, 0, d);
    if (rc == 0 && c.none != NULL && (c.count > 0 || c.defaults))
        rc = diag_fail(d, (size_t)(c.none - spec), "'none' cannot be "
                       "combined with other redact rules");
    /* The rules for any program first: the scan walks them for every
     * word. */
    for (size_t pass = 0; pass < 2 && rc == 0; pass++) {
        for (size_t i = 0; i < c.count && rc == 0; i++)
            if ((c.parsed[i].programs == NULL) == (pass == 0))
                rc = place_rule(&c, &c.parsed[i], d);
        if (pass == 0)
            r->generic = r->count;
    }
    if (rc < 0) {
        memset(r, 0, sizeof(*r));
        return rc;
    }
    index_entries(r);
    index_generic(r);
    return 0;
}

void redact_describe(const struct redact_rules *r, size_t index, char *buf,
                     size_t size)
{
    const struct redact_rule *rule = &r->rules[index];
    const char *kind = "?";
    size_t len;

    for (size_t i = 0; rule_words[i].name != NULL; i++)
        if (rule_words[i].kind == rule->kind &&
            rule_words[i].separator == rule->separator)
            kind = rule_words[i].name;
    len = (size_t)snprintf(buf, size, "%s%s%.*s", kind,
                           rule->option_length > 0 ? ":" : "",
                           (int)rule->option_length, r->text + rule->option);
    for (size_t i = 0, n = 0; i < r->entries && len < size; i++) {
        const struct redact_entry *e = &r->entry[i];

        if (e->rule != index)
            continue;
        len += (size_t)snprintf(buf + len, size - len, "%s%.*s%s%.*s",
                                n++ == 0 ? "@" : ",", e->program_length,
                                r->text + e->program,
                                e->qualifier_length > 0 ? " " : "",
                                e->qualifier_length, r->text + e->qualifier);
    }
}
