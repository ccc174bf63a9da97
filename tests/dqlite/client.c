/* SPDX-License-Identifier: MIT */
/*
** A minimal dqlite client for tests/dqlite/cluster.sh, written from the
** documented wire protocol (protocol version 1): enough to form a cluster
** and to run SQL on its leader, and to show every value bit for bit.
**
**     client ADDRS leader                 the leader's "id|address"
**     client ADDRS cluster                one "id|address|role" a member
**     client ADDRS add ID ADDRESS         add a node, then make it a voter
**     client ADDRS exec DB SQL [PARAM...]
**     client ADDRS query DB SQL [PARAM...]
**
** ADDRS is a comma-separated list of host:port.  Every command but
** `leader` asks them in turn who leads and talks to that node.
**
** PARAM is bound to ?1, ?2...: `int:N`, `real:X` (strtod, so C99 hex
** floats give exact bits), `blob:HEX`, `null`, `text:S`, or S alone (TEXT).
**
** A query prints one line a row, its values joined by '|':
**     int:N    real:XXXXXXXXXXXXXXXX (the 64 bits of the double, in hex,
**     most significant first, as hex(ieee754_to_blob(x)) in the sqlite3
**     shell)    text:S    blob:HEX    null
** A FAILURE response prints "failure|CODE|MESSAGE" and exits 2.  dqlite
** 1.11.1 appends the failure of a query's first step to a body that
** already holds the column names, so that body decodes as
** code = the column count and message = the first column's name; then the
** client also prints the failure that follows ("failure|CODE|MESSAGE")
** as a second line.  Connection and protocol trouble exits 1.
**
** Every socket has 5 s timeouts: a dead node fails a command, never hangs
** it.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Request and response type codes of the protocol. */
enum {
  REQ_LEADER = 0, REQ_OPEN = 3, REQ_EXEC_SQL = 8, REQ_QUERY_SQL = 9,
  REQ_ADD = 12, REQ_ASSIGN = 13, REQ_CLUSTER = 16
};
enum {
  RES_FAILURE = 0, RES_SERVER = 1, RES_SERVERS = 3, RES_DB = 4,
  RES_RESULT = 6, RES_ROWS = 7, RES_EMPTY = 8
};
/* Value type codes of a tuple (SQLite's, and dqlite's three of its own). */
enum {
  T_INTEGER = 1, T_FLOAT = 2, T_TEXT = 3, T_BLOB = 4, T_NULL = 5,
  T_UNIXTIME = 9, T_ISO8601 = 10, T_BOOLEAN = 11
};
#define PROTOCOL_VERSION 1
#define ROWS_PART UINT64_C(0xeeeeeeeeeeeeeeee)
#define ROWS_DONE UINT64_C(0xffffffffffffffff)
#define ROLE_VOTER 0
#define MAX_BODY (64u << 20)

/* A growable message body, written and read in little-endian words. */
typedef struct buf {
  unsigned char *p;
  size_t n, cap, at;  /* bytes used, allocated, read so far */
} buf;

static void die(const char *what){
  fprintf(stderr, "client: %s\n", what);
  exit(1);
}

static void put(buf *b, const void *data, size_t n){
  if( b->n + n > b->cap ){
    size_t cap = b->cap ? b->cap : 256;
    while( cap < b->n + n ) cap *= 2;
    b->p = realloc(b->p, cap);
    if( b->p==0 ) die("out of memory");
    b->cap = cap;
  }
  memcpy(b->p + b->n, data, n);
  b->n += n;
}

static void put_u64(buf *b, uint64_t v){
  unsigned char w[8];
  int i;
  for(i=0; i<8; i++) w[i] = (unsigned char)(v >> (8*i));
  put(b, w, 8);
}

static void pad(buf *b){
  static const unsigned char zero[8];
  if( b->n % 8 ) put(b, zero, 8 - b->n % 8);
}

/* text: the bytes and a NUL, padded with zeros to a word */
static void put_text(buf *b, const char *s){
  put(b, s, strlen(s) + 1);
  pad(b);
}

static int get(buf *b, void *out, size_t n){
  if( b->n - b->at < n ) return 0;
  memcpy(out, b->p + b->at, n);
  b->at += n;
  return 1;
}

static int get_u64(buf *b, uint64_t *v){
  unsigned char w[8];
  int i;
  if( !get(b, w, 8) ) return 0;
  *v = 0;
  for(i=0; i<8; i++) *v |= (uint64_t)w[i] << (8*i);
  return 1;
}

static int get_text(buf *b, const char **s){
  const unsigned char *nul;
  size_t len;
  if( b->at >= b->n ) return 0;
  nul = memchr(b->p + b->at, 0, b->n - b->at);
  if( nul==0 ) return 0;
  *s = (const char*)(b->p + b->at);
  len = (size_t)(nul - (b->p + b->at)) + 1;
  len = (len + 7) / 8 * 8;
  if( b->n - b->at < len ) return 0;
  b->at += len;
  return 1;
}

/* ------------------------------------------------------------ the socket */

static int dial(const char *addr){
  char host[256];
  const char *colon = strrchr(addr, ':');
  struct addrinfo hints, *res = 0, *ai;
  struct timeval tv = {5, 0};
  unsigned char hello[8];
  int fd = -1, i;
  if( colon==0 || (size_t)(colon - addr) >= sizeof host ) return -1;
  memcpy(host, addr, (size_t)(colon - addr));
  host[colon - addr] = 0;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if( getaddrinfo(host, colon + 1, &hints, &res)!=0 ) return -1;
  for(ai=res; ai; ai=ai->ai_next){
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if( fd<0 ) continue;
    if( setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)==0
     && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv)==0
     && connect(fd, ai->ai_addr, ai->ai_addrlen)==0 ){
      break;
    }
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if( fd<0 ) return -1;
  /* The handshake: one word, the protocol version; no answer comes. */
  for(i=0; i<8; i++) hello[i] = (unsigned char)((uint64_t)PROTOCOL_VERSION >> (8*i));
  if( write(fd, hello, 8)!=8 ){
    close(fd);
    return -1;
  }
  return fd;
}

static int write_all(int fd, const unsigned char *p, size_t n){
  while( n>0 ){
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if( k<0 && errno==EINTR ) continue;
    if( k<=0 ) return 0;
    p += k;
    n -= (size_t)k;
  }
  return 1;
}

static int read_all(int fd, unsigned char *p, size_t n){
  while( n>0 ){
    ssize_t k = read(fd, p, n);
    if( k<0 && errno==EINTR ) continue;
    if( k<=0 ) return 0;
    p += k;
    n -= (size_t)k;
  }
  return 1;
}

/* A message: a header word (body size in words, type, schema, unused),
** then the body. */
static void send_msg(int fd, int type, int schema, buf *body){
  unsigned char h[8] = {0};
  size_t words;
  pad(body);
  words = body->n / 8;
  h[0] = (unsigned char)words;
  h[1] = (unsigned char)(words >> 8);
  h[2] = (unsigned char)(words >> 16);
  h[3] = (unsigned char)(words >> 24);
  h[4] = (unsigned char)type;
  h[5] = (unsigned char)schema;
  if( !write_all(fd, h, 8) || !write_all(fd, body->p, body->n) ){
    die("cannot send a request");
  }
}

static int recv_msg(int fd, buf *body){
  unsigned char h[8];
  size_t n;
  if( !read_all(fd, h, 8) ) die("no response (connection closed or timed out)");
  n = 8 * ((size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16
           | (size_t)h[3] << 24);
  if( n > MAX_BODY ) die("response too large");
  body->n = body->at = 0;
  if( n>0 ){
    if( body->cap < n ){
      body->p = realloc(body->p, n);
      if( body->p==0 ) die("out of memory");
      body->cap = n;
    }
    if( !read_all(fd, body->p, n) ) die("truncated response");
    body->n = n;
  }
  return h[4];
}

/* Prints a FAILURE body, and the failure hidden behind column names. */
static void print_failure(buf *b){
  uint64_t code;
  const char *msg;
  if( !get_u64(b, &code) || !get_text(b, &msg) ) die("bad FAILURE body");
  printf("failure|%llu|%s\n", (unsigned long long)code, msg);
  /* 1.11.1: column count, names, then the real failure */
  if( code>=1 && b->n - b->at >= 16 ){
    uint64_t i;
    for(i=1; i<code; i++){
      if( !get_text(b, &msg) ) return;
    }
    if( get_u64(b, &code) && get_text(b, &msg) ){
      printf("failure|%llu|%s\n", (unsigned long long)code, msg);
    }
  }
}

static void expect(int type, int want, buf *b){
  if( type==want ) return;
  if( type==RES_FAILURE ){
    print_failure(b);
    exit(2);
  }
  fprintf(stderr, "client: response type %d, expected %d\n", type, want);
  exit(1);
}

/* ------------------------------------------------------------ requests */

/* Asks the node at fd who leads: 1 with *id and addr set, 0 if nobody. */
static int ask_leader(int fd, uint64_t *id, char *addr, size_t cap){
  buf b = {0};
  const char *a;
  int type;
  put_u64(&b, 0);
  send_msg(fd, REQ_LEADER, 0, &b);
  type = recv_msg(fd, &b);
  if( type!=RES_SERVER || !get_u64(&b, id) || !get_text(&b, &a) ){
    free(b.p);
    return 0;
  }
  snprintf(addr, cap, "%s", a);
  free(b.p);
  return *id!=0 && addr[0]!=0;
}

/* The first node of the list that names a leader; connects to it. */
static int dial_leader(const char *addrs, uint64_t *id, char *leader,
                       size_t cap){
  char list[1024], *tok, *save = 0;
  snprintf(list, sizeof list, "%s", addrs);
  for(tok=strtok_r(list, ",", &save); tok; tok=strtok_r(0, ",", &save)){
    int fd = dial(tok), lfd;
    if( fd<0 ) continue;
    if( !ask_leader(fd, id, leader, cap) ){
      close(fd);
      continue;
    }
    close(fd);
    lfd = dial(leader);
    if( lfd>=0 ) return lfd;
  }
  return -1;
}

static void put_params(buf *b, int n, char **param){
  unsigned char count = (unsigned char)n, type;
  int i;
  if( n==0 ) return;
  if( n>255 ) die("too many parameters");
  /* header: the count, a type byte each, zeros to the word */
  put(b, &count, 1);
  for(i=0; i<n; i++){
    const char *s = param[i];
    if( strncmp(s, "int:", 4)==0 ) type = T_INTEGER;
    else if( strncmp(s, "real:", 5)==0 ) type = T_FLOAT;
    else if( strncmp(s, "blob:", 5)==0 ) type = T_BLOB;
    else if( strcmp(s, "null")==0 ) type = T_NULL;
    else type = T_TEXT;
    put(b, &type, 1);
  }
  pad(b);
  for(i=0; i<n; i++){
    const char *s = param[i];
    char *end;
    if( strncmp(s, "int:", 4)==0 ){
      long long v;
      errno = 0;
      v = strtoll(s + 4, &end, 10);
      if( errno || *end || end==s + 4 ) die("bad int: parameter");
      put_u64(b, (uint64_t)v);
    }else if( strncmp(s, "real:", 5)==0 ){
      double d = strtod(s + 5, &end);
      uint64_t bits;
      if( *end || end==s + 5 ) die("bad real: parameter");
      memcpy(&bits, &d, 8);
      put_u64(b, bits);
    }else if( strncmp(s, "blob:", 5)==0 ){
      size_t len = strlen(s + 5), k;
      if( len % 2 ) die("bad blob: parameter");
      put_u64(b, len / 2);
      for(k=0; k<len; k+=2){
        char two[3] = {s[5+k], s[6+k], 0};
        unsigned char byte = (unsigned char)strtoul(two, &end, 16);
        if( *end ) die("bad blob: parameter");
        put(b, &byte, 1);
      }
      pad(b);
    }else if( strcmp(s, "null")==0 ){
      put_u64(b, 0);
    }else{
      put_text(b, strncmp(s, "text:", 5)==0 ? s + 5 : s);
    }
  }
}

static uint32_t open_db(int fd, const char *name){
  buf b = {0};
  uint64_t w;
  int type;
  put_text(&b, name);
  put_u64(&b, 0);          /* flags */
  put_text(&b, "volatile"); /* vfs: 1.11.1 uses the node's own */
  send_msg(fd, REQ_OPEN, 0, &b);
  type = recv_msg(fd, &b);
  expect(type, RES_DB, &b);
  if( !get_u64(&b, &w) ) die("bad DB body");
  free(b.p);
  return (uint32_t)w;
}

static void print_value(buf *b, int type){
  uint64_t w;
  const char *s;
  switch( type ){
    case T_INTEGER: case T_UNIXTIME: case T_BOOLEAN:
      if( !get_u64(b, &w) ) die("bad row");
      printf("int:%lld", (long long)w);
      break;
    case T_FLOAT:
      if( !get_u64(b, &w) ) die("bad row");
      printf("real:%016llX", (unsigned long long)w);
      break;
    case T_TEXT: case T_ISO8601:
      if( !get_text(b, &s) ) die("bad row");
      printf("text:%s", s);
      break;
    case T_BLOB: {
      uint64_t k;
      if( !get_u64(b, &w) || b->n - b->at < (w + 7) / 8 * 8 ) die("bad row");
      printf("blob:");
      for(k=0; k<w; k++) printf("%02X", b->p[b->at + k]);
      b->at += (size_t)((w + 7) / 8 * 8);
      break;
    }
    case T_NULL:
      if( !get_u64(b, &w) ) die("bad row");
      printf("null");
      break;
    default:
      die("unknown value type in a row");
  }
}

/* One ROWS body: the column count and names, rows, and the end marker;
** returns 1 when more ROWS messages follow. */
static int print_rows(buf *b){
  uint64_t ncol, i, marker;
  const char *name;
  if( !get_u64(b, &ncol) || ncol==0 || ncol>4096 ) die("bad ROWS body");
  for(i=0; i<ncol; i++){
    if( !get_text(b, &name) ) die("bad ROWS body");
  }
  for(;;){
    size_t header = (size_t)((ncol + 1) / 2 + 7) / 8 * 8;
    const unsigned char *h;
    if( b->n - b->at < 8 ) die("ROWS body without an end marker");
    {
      buf peek = *b;  /* a row header or the end marker: look first */
      if( !get_u64(&peek, &marker) ) die("bad ROWS body");
    }
    if( marker==ROWS_DONE || marker==ROWS_PART ){
      b->at += 8;
      return marker==ROWS_PART;
    }
    if( b->n - b->at < header ) die("bad row header");
    h = b->p + b->at;
    b->at += header;
    for(i=0; i<ncol; i++){
      int type = (i % 2==0) ? (h[i/2] & 0x0f) : (h[i/2] >> 4);
      if( i ) putchar('|');
      print_value(b, type);
    }
    putchar('\n');
  }
}

static int cmd_sql(const char *addrs, int query, const char *db,
                   const char *sql, int nparam, char **param){
  uint64_t id, w;
  char leader[256];
  buf b = {0};
  int fd = dial_leader(addrs, &id, leader, sizeof leader), type;
  uint32_t dbid;
  if( fd<0 ) die("no leader among the given nodes");
  dbid = open_db(fd, db);
  put_u64(&b, dbid);
  put_text(&b, sql);
  put_params(&b, nparam, param);
  send_msg(fd, query ? REQ_QUERY_SQL : REQ_EXEC_SQL, 0, &b);
  if( !query ){
    type = recv_msg(fd, &b);
    expect(type, RES_RESULT, &b);
    if( !get_u64(&b, &w) || !get_u64(&b, &w) ) die("bad RESULT body");
    printf("changes|%llu\n", (unsigned long long)w);
  }else{
    do{
      type = recv_msg(fd, &b);
      expect(type, RES_ROWS, &b);
    }while( print_rows(&b) );
  }
  free(b.p);
  close(fd);
  return 0;
}

static int cmd_add(const char *addrs, const char *node_id, const char *addr){
  uint64_t id, nid;
  char leader[256], *end;
  buf b = {0};
  int fd = dial_leader(addrs, &id, leader, sizeof leader), type;
  if( fd<0 ) die("no leader among the given nodes");
  nid = strtoull(node_id, &end, 10);
  if( *end || nid==0 ) die("bad node id");
  put_u64(&b, nid);
  put_text(&b, addr);
  send_msg(fd, REQ_ADD, 0, &b);
  type = recv_msg(fd, &b);
  expect(type, RES_EMPTY, &b);
  /* added as a spare; a voter takes part in elections */
  b.n = b.at = 0;
  put_u64(&b, nid);
  put_u64(&b, ROLE_VOTER);
  send_msg(fd, REQ_ASSIGN, 0, &b);
  type = recv_msg(fd, &b);
  expect(type, RES_EMPTY, &b);
  printf("added|%llu|%s\n", (unsigned long long)nid, addr);
  free(b.p);
  close(fd);
  return 0;
}

static int cmd_cluster(const char *addrs){
  uint64_t id, n, i, role;
  char leader[256];
  const char *a;
  buf b = {0};
  int fd = dial_leader(addrs, &id, leader, sizeof leader), type;
  if( fd<0 ) die("no leader among the given nodes");
  put_u64(&b, 1);  /* format 1: id, address and role */
  send_msg(fd, REQ_CLUSTER, 0, &b);
  type = recv_msg(fd, &b);
  expect(type, RES_SERVERS, &b);
  if( !get_u64(&b, &n) ) die("bad SERVERS body");
  for(i=0; i<n; i++){
    if( !get_u64(&b, &id) || !get_text(&b, &a) || !get_u64(&b, &role) ){
      die("bad SERVERS body");
    }
    printf("%llu|%s|%llu\n", (unsigned long long)id, a,
           (unsigned long long)role);
  }
  free(b.p);
  close(fd);
  return 0;
}

/* Exits 0 with a leader named, 3 when some node answered but none knows
** a leader (a node not yet in a cluster), 1 when none answered. */
static int cmd_leader(const char *addrs){
  char list[1024], *tok, *save = 0, leader[256];
  uint64_t id;
  int answered = 0;
  snprintf(list, sizeof list, "%s", addrs);
  for(tok=strtok_r(list, ",", &save); tok; tok=strtok_r(0, ",", &save)){
    int fd = dial(tok), found;
    if( fd<0 ) continue;
    answered = 1;
    found = ask_leader(fd, &id, leader, sizeof leader);
    close(fd);
    if( found ){
      printf("%llu|%s\n", (unsigned long long)id, leader);
      return 0;
    }
  }
  return answered ? 3 : 1;
}

int main(int argc, char **argv){
  if( argc>=3 && strcmp(argv[2], "leader")==0 ) return cmd_leader(argv[1]);
  if( argc>=3 && strcmp(argv[2], "cluster")==0 ) return cmd_cluster(argv[1]);
  if( argc==5 && strcmp(argv[2], "add")==0 ){
    return cmd_add(argv[1], argv[3], argv[4]);
  }
  if( argc>=5 && (strcmp(argv[2], "exec")==0 || strcmp(argv[2], "query")==0) ){
    return cmd_sql(argv[1], argv[2][0]=='q', argv[3], argv[4], argc - 5,
                   argv + 5);
  }
  fprintf(stderr, "usage: client ADDRS leader|cluster\n"
                  "       client ADDRS add ID ADDRESS\n"
                  "       client ADDRS exec|query DB SQL [PARAM...]\n");
  return 1;
}
