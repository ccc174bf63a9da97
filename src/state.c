/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "loss.h"
#include "state.h"

/* Version 1 (docs/state-format.md):
**   0  3  magic "BCE"          6  1  function        8  8  eps (bce, cce)
**   3  1  version              7  1  flags (bit 0: weighted)
**   4  2  length, all bytes
**   counts (LEB128): rows, then weighted: rows of w > 0, infinite, tiny;
**                    unweighted: infinite
**   sums: loss, then weighted: weight, tiny; each a count byte n, then
**         when n > 0 the first limb's index and n 4-byte digits
**   CRC-32C of everything before it, 4 bytes. */
static const unsigned char state_magic[3] = {'B', 'C', 'E'};
#define STATE_HEAD 8          /* magic, version, length, function, flags */
#define STATE_FLAG_WEIGHTED 1
/* the shortest: logits, unweighted: 2 counts, 1 sum */
#define STATE_MIN_LEN (STATE_HEAD + 2 + 1 + 4)

BCE_PRIVATE uint32_t bce_crc32c(const unsigned char *p, size_t n){
  uint32_t crc = 0xffffffffu;
  size_t i;
  int k;
  /* Bit by bit: states are short, and no table means no data to trust. */
  for(i=0; i<n; i++){
    crc ^= p[i];
    for(k=0; k<8; k++) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return crc ^ 0xffffffffu;
}

/* ------------------------------------------------------------ writing */

typedef struct state_writer {
  unsigned char *p;
  size_t n;
  int bad;          /* a sum that no aggregate has (see put_sum) */
} state_writer;

static void put_byte(state_writer *w, unsigned v){
  w->p[w->n++] = (unsigned char)v;
}

static void put_le(state_writer *w, uint64_t v, int bytes){
  int i;
  for(i=0; i<bytes; i++) put_byte(w, (unsigned)(v >> (8*i)) & 0xffu);
}

static void put_varint(state_writer *w, uint64_t v){
  while( v>=0x80 ){
    put_byte(w, (unsigned)(v & 0x7f) | 0x80u);
    v >>= 7;
  }
  put_byte(w, (unsigned)v);
}

/* The normalized sum's nonzero span.  A sum that is negative or past
** 2^1102 sets w->bad: no aggregate's sum is (its terms are >= 0, and
** 2^63 rows of them stay below 2^1087). */
static void put_sum(state_writer *w, bce_sum *s){
  int lo = 0, hi = BCE_SUM_LIMBS - 1, i;
  bce_sum_normalize(s);
  w->bad |= BCE_NEVER(s->limb[hi] < 0) | BCE_NEVER(s->limb[hi] > 0xffffffff);
  while( hi>=0 && s->limb[hi]==0 ) hi--;
  if( hi<0 ){
    put_byte(w, 0);
    return;
  }
  while( s->limb[lo]==0 ) lo++;
  put_byte(w, (unsigned)(hi - lo + 1));
  put_byte(w, (unsigned)lo);
  for(i=lo; i<=hi; i++) put_le(w, (uint64_t)s->limb[i], 4);
}

BCE_PRIVATE size_t bce_state_encode(bce_mean *m, bce_state_fn fn,
                                    unsigned char *out){
  state_writer w;
  uint32_t crc;
  if( m->nRow<=0 ) return 0;
  w.p = out;
  w.n = 0;
  w.bad = 0;
  put_byte(&w, state_magic[0]);
  put_byte(&w, state_magic[1]);
  put_byte(&w, state_magic[2]);
  put_byte(&w, BCE_STATE_VERSION);
  put_le(&w, 0, 2);   /* the length, once known */
  put_byte(&w, (unsigned)fn);
  put_byte(&w, m->weighted ? STATE_FLAG_WEIGHTED : 0);
  if( BCE_STATE_HAS_EPS(fn) ){
    /* + 0.0: -0 and 0 are one clip, so one encoding */
    double eps = (m->hasEps ? m->eps : BCE_DEFAULT_EPS) + 0.0;
    put_le(&w, bce_bits(eps), 8);
  }
  put_varint(&w, (uint64_t)m->nRow);
  if( m->weighted ){
    put_varint(&w, (uint64_t)m->nWeight);
    put_varint(&w, (uint64_t)m->nInf);
    put_varint(&w, (uint64_t)m->nTiny);
  }else{
    put_varint(&w, (uint64_t)m->nInf);
  }
  put_sum(&w, &m->loss);
  if( m->weighted ){
    put_sum(&w, &m->weight);
    put_sum(&w, &m->tiny);
  }
  if( BCE_NEVER(w.bad) ) return 0;
  out[4] = (unsigned char)((w.n + 4) & 0xff);
  out[5] = (unsigned char)((w.n + 4) >> 8);
  crc = bce_crc32c(out, w.n);
  put_le(&w, crc, 4);
  return w.n;
}

/* ------------------------------------------------------------ reading */

typedef struct state_reader {
  const unsigned char *p;
  size_t n, at;
  const char *why;   /* the first thing found wrong */
} state_reader;

/* Every reader stops at its first bad(), so there is one reason. */
static int bad(state_reader *r, const char *why){
  r->why = why;
  return 0;
}

static int get_byte(state_reader *r, unsigned *v){
  if( r->at>=r->n ) return bad(r, "a field runs past the end");
  *v = r->p[r->at++];
  return 1;
}

static uint64_t get_le(const unsigned char *p, int bytes){
  uint64_t v = 0;
  int i;
  for(i=0; i<bytes; i++) v |= (uint64_t)p[i] << (8*i);
  return v;
}

/* A count: LEB128 in at most 9 bytes (below 2^63), its last byte not 0
** unless it is the only one. */
static int get_count(state_reader *r, int64_t *v){
  uint64_t x = 0;
  unsigned b;
  int i;
  for(i=0; i<9; i++){
    if( !get_byte(r, &b) ) return 0;
    x |= (uint64_t)(b & 0x7f) << (7*i);
    if( !(b & 0x80) ){
      if( b==0 && i>0 ) return bad(r, "a count is not in its shortest form");
      *v = (int64_t)x;
      return 1;
    }
  }
  return bad(r, "a count is past 2^63 - 1");
}

static int get_sum(state_reader *r, bce_state_sum *s){
  unsigned n, lo;
  if( !get_byte(r, &n) ) return 0;
  s->n = (int)n;
  s->lo = 0;
  s->digits = 0;
  if( n==0 ) return 1;
  if( !get_byte(r, &lo) ) return 0;
  if( n>BCE_SUM_LIMBS || lo>BCE_SUM_LIMBS - n ){
    return bad(r, "a sum's limbs are past the 68 a sum has");
  }
  if( r->n - r->at < 4*(size_t)n ) return bad(r, "a field runs past the end");
  s->lo = (int)lo;
  s->digits = r->p + r->at;
  r->at += 4*(size_t)n;
  if( get_le(s->digits, 4)==0 || get_le(s->digits + 4*(n - 1), 4)==0 ){
    return bad(r, "a sum carries a zero limb at an end of its span");
  }
  return 1;
}

static int consistent(state_reader *r, const bce_state *st){
  if( st->nRow<1 ) return bad(r, "a state has at least one row");
  if( st->weighted ){
    if( st->nWeight>st->nRow || st->nInf>st->nWeight
     || st->nTiny>st->nWeight - st->nInf ){
      return bad(r, "its counts contradict each other");
    }
    if( (st->nWeight==0)!=(st->weight.n==0)
     || (st->nWeight==0 && st->loss.n!=0)
     || (st->nTiny==0 && st->tiny.n!=0) ){
      return bad(r, "its sums contradict its counts");
    }
  }else if( st->nInf>st->nRow ){
    return bad(r, "its counts contradict each other");
  }
  return 1;
}

BCE_PRIVATE bce_state_status bce_state_decode(const unsigned char *p,
                                              size_t n, bce_state *st,
                                              const char **why){
  state_reader r;
  size_t len, k;
  unsigned fn, flags;
  bce_state_status rc = BCE_STATE_NONCANONICAL;
  const char *unused;
  if( why==0 ) why = &unused;
  r.p = p;
  r.n = n;
  r.at = STATE_HEAD;
  r.why = 0;
  memset(st, 0, sizeof *st);
  /* What the bytes are comes first, so that another BLOB is named as
  ** such, however short. */
  for(k=0; k<3 && k<n; k++){
    if( p[k]!=state_magic[k] ){
      *why = "not a state (its first bytes are not \"BCE\")";
      return BCE_STATE_MAGIC;
    }
  }
  if( n>=4 ){
    st->version = p[3];
    if( p[3]!=BCE_STATE_VERSION ){
      *why = "a state of a version this build does not read";
      return BCE_STATE_BAD_VERSION;
    }
  }
  if( n<6 ){
    *why = "truncated (too short to hold a state's length)";
    return BCE_STATE_TRUNCATED;
  }
  len = (size_t)get_le(p + 4, 2);
  if( n<len ){
    *why = "truncated (fewer bytes than its length field says)";
    return BCE_STATE_TRUNCATED;
  }
  if( n>len ){
    *why = "over-long (more bytes than its length field says)";
    return BCE_STATE_OVERLONG;
  }
  if( len<STATE_MIN_LEN || len>BCE_STATE_MAX ){
    *why = "its length field is outside the lengths a state has";
    return BCE_STATE_NONCANONICAL;
  }
  if( bce_crc32c(p, len - 4)!=(uint32_t)get_le(p + len - 4, 4) ){
    *why = "checksum mismatch (the state was changed or damaged)";
    return BCE_STATE_CHECKSUM;
  }
  r.n = len - 4;
  fn = p[6];
  flags = p[7];
  if( fn<BCE_STATE_PROB || fn>BCE_STATE_CCE_LOGITS ){
    bad(&r, "an unknown function code");
  }else if( flags & ~(unsigned)STATE_FLAG_WEIGHTED ){
    bad(&r, "unknown flags");
  }else{
    st->fn = (bce_state_fn)fn;
    st->weighted = (flags & STATE_FLAG_WEIGHTED)!=0;
    if( BCE_STATE_HAS_EPS(fn) ){
      uint64_t bits;
      if( r.n - r.at < 8 ){
        bad(&r, "a field runs past the end");
        goto done;
      }
      bits = get_le(p + r.at, 8);
      r.at += 8;
      st->eps = bce_from_bits(bits);
      /* [0, 0.5), and +0 only: -0 is written as +0 */
      if( !(st->eps>=0.0 && st->eps<0.5) || bits==UINT64_C(1) << 63 ){
        bad(&r, "its eps is not a clip in [0, 0.5)");
        goto done;
      }
    }
    if( !get_count(&r, &st->nRow) ) goto done;
    if( st->weighted ){
      if( !get_count(&r, &st->nWeight) || !get_count(&r, &st->nInf)
       || !get_count(&r, &st->nTiny) ){
        goto done;
      }
    }else{
      if( !get_count(&r, &st->nInf) ) goto done;
      st->nWeight = st->nRow;
    }
    if( !get_sum(&r, &st->loss) ) goto done;
    if( st->weighted
     && (!get_sum(&r, &st->weight) || !get_sum(&r, &st->tiny)) ){
      goto done;
    }
    if( r.at!=r.n ){
      bad(&r, "bytes left over between its fields and its checksum");
      goto done;
    }
    if( consistent(&r, st) ) rc = BCE_STATE_OK;
  }
done:
  if( rc!=BCE_STATE_OK ) *why = r.why;
  return rc;
}

/* ------------------------------------------------------------ merging */

/* Adds the digits into s's limbs.  One digit is below 2^32, within the
** 2^33 that one operation may add to a limb between normalizations
** (src/exact_sum.h), so a state counts as one operation. */
static void add_digits(bce_sum *s, const bce_state_sum *d, int sign){
  int i;
  for(i=0; i<d->n; i++){
    int64_t v = (int64_t)get_le(d->digits + 4*i, 4);
    s->limb[d->lo + i] += sign>0 ? v : -v;
  }
  if( d->n>0 && ++s->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(s);
}

/* s += n (sign +1) or -= n, exactly: two doubles of 32 bits each. */
static void add_count(bce_sum *s, int64_t n, int sign){
  uint64_t u = (uint64_t)n;
  bce_sum_add(s, (double)(u & 0xffffffffu), sign);
  bce_sum_add(s, ldexp((double)(u >> 32), 32), sign);
}

BCE_PRIVATE bce_state_status bce_state_merge(bce_mean *m,
                                             const bce_state *st, int sign){
  /* the other counts are at most the rows: they cannot overflow first */
  if( sign>0 && st->nRow>INT64_MAX - m->nRow ) return BCE_STATE_OVERFLOW;
  if( st->weighted && !m->weighted ){
    /* the rows merged so far weighed 1 each */
    add_count(&m->weight, m->nWeight, +1);
    m->weighted = 1;
  }
  m->nRow += sign*st->nRow;
  m->nWeight += sign*st->nWeight;
  m->nInf += sign*st->nInf;
  m->nTiny += sign*st->nTiny;
  add_digits(&m->loss, &st->loss, sign);
  if( st->weighted ){
    add_digits(&m->weight, &st->weight, sign);
    add_digits(&m->tiny, &st->tiny, sign);
  }else if( m->weighted ){
    add_count(&m->weight, st->nRow, sign);
  }
  return BCE_STATE_OK;
}
