/* SPDX-License-Identifier: MIT */
/*
** A dqlite node with sqlite-bce linked in, for tests/dqlite/cluster.sh.
**
**     node ID ADDRESS DIR [--no-bce] [--keep-sigpipe] [--latency-ms N]
**
** Binds ADDRESS (host:port), keeps its Raft log and snapshots in DIR, and
** runs until SIGTERM or SIGINT, then stops the node and exits 0.  Node 1
** bootstraps a one-node cluster; the others wait to be added by a client.
**
** Two things every dqlite host that uses the extension needs:
**  - sqlite3_auto_extension(sqlite3_bce_init) before dqlite_node_start():
**    every connection the node opens (one a client database, and those
**    that replay the Raft log) then has the functions.  --no-bce leaves it
**    out, to show what a node without the extension answers.
**  - SIGPIPE ignored: a node writes to peers and clients whose sockets may
**    have closed (the leader killed mid-heartbeat), and the default action
**    of SIGPIPE kills the process.  --keep-sigpipe keeps the default, to
**    see it happen.
** --latency-ms N tells dqlite the network's round trip; it derives the
** Raft timeouts from it (election 15 N, heartbeat 1.5 N; the default is an
** election timeout of 3 s), so a test need not wait seconds for a new
** leader.
*/
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dqlite.h>
#include "sqlite3_bce.h"

static int usage(void){
  fprintf(stderr, "usage: node ID ADDRESS DIR [--no-bce] [--keep-sigpipe] "
                  "[--latency-ms N]\n");
  return 2;
}

int main(int argc, char **argv){
  dqlite_node *node = 0;
  dqlite_node_id id;
  sigset_t stop;
  int with_bce = 1, keep_sigpipe = 0, sig = 0, rc, i;
  unsigned latency_ms = 0;
  char *end;

  if( argc<4 ) return usage();
  for(i=4; i<argc; i++){
    if( strcmp(argv[i], "--no-bce")==0 ) with_bce = 0;
    else if( strcmp(argv[i], "--keep-sigpipe")==0 ) keep_sigpipe = 1;
    else if( strcmp(argv[i], "--latency-ms")==0 && i+1<argc ){
      latency_ms = (unsigned)strtoul(argv[++i], &end, 10);
      if( *end || latency_ms==0 ) return usage();
    }
    else return usage();
  }
  id = strtoull(argv[1], &end, 10);
  if( *end || id==0 ) return usage();

  if( !keep_sigpipe && signal(SIGPIPE, SIG_IGN)==SIG_ERR ){
    perror("node: signal(SIGPIPE)");
    return 1;
  }
  /* Blocked before dqlite starts its threads, so that they inherit the
  ** mask and the signal waits for sigwait() below. */
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  if( sigprocmask(SIG_BLOCK, &stop, 0)!=0 ){
    perror("node: sigprocmask");
    return 1;
  }
  if( with_bce ){
    rc = sqlite3_auto_extension((void (*)(void))sqlite3_bce_init);
    if( rc!=SQLITE_OK ){
      fprintf(stderr, "node: sqlite3_auto_extension: %d\n", rc);
      return 1;
    }
  }

  rc = dqlite_node_create(id, argv[2], argv[3], &node);
  if( rc!=0 ){
    fprintf(stderr, "node %llu: dqlite_node_create: %d %s\n", id, rc,
            node ? dqlite_node_errmsg(node) : "");
    if( node ) dqlite_node_destroy(node);
    return 1;
  }
  rc = dqlite_node_set_bind_address(node, argv[2]);
  if( rc==0 && latency_ms ){
    rc = dqlite_node_set_network_latency_ms(node, latency_ms);
  }
  if( rc==0 ) rc = dqlite_node_start(node);
  if( rc!=0 ){
    fprintf(stderr, "node %llu: start: %d %s\n", id, rc,
            dqlite_node_errmsg(node));
    dqlite_node_destroy(node);
    return 1;
  }
  fprintf(stderr, "node %llu: listening on %s, dqlite_version_number() "
          "%d, sqlite %s, bce %s\n", id, argv[2], dqlite_version_number(),
          sqlite3_libversion(), with_bce ? "linked" : "absent");

  if( sigwait(&stop, &sig)!=0 ){
    fprintf(stderr, "node %llu: sigwait failed\n", id);
  }
  rc = dqlite_node_stop(node);
  dqlite_node_destroy(node);
  if( rc!=0 ){
    fprintf(stderr, "node %llu: dqlite_node_stop: %d\n", id, rc);
    return 1;
  }
  fprintf(stderr, "node %llu: stopped on signal %d\n", id, sig);
  return 0;
}
