#include "config.h"

#include <stddef.h>

#include "redact-defaults.h"

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
const char *const redact_builtin_rules[] = {
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

