// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log, read from the dump.
 *
 * Lockless ring buffer (5.10+), from the kernel's printk_ringbuffer design:
 * a descriptor ring of 2^count_bits descriptors, each with a state word
 * (id in the low bits, state in the top two: reserved, committed,
 * finalized, reusable) and the logical positions [begin, next) of its text
 * block; a parallel array of printk_info (seq, timestamp, text length,
 * caller id); and a data ring of 2^size_bits bytes whose blocks start with
 * the descriptor id.  A block that would cross the end of the ring is
 * stored from offset 0 instead (its positions then differ in wrap count).
 * Odd positions mean "no data".  Records run from tail_id to head_id.
 *
 * Everything read from the dump is checked against the sizes read with it:
 * a damaged record is skipped, a damaged ring header is an error.
 */
#include "dmesg.h"
#include "kernel.h"
#include "vmcoreinfo.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_CHUNK (64u << 10)
/* Plausibility limits for sizes read from the dump. */
#define MAX_COUNT_BITS 24
#define MAX_SIZE_BITS 31
#define MAX_STRUCT_SIZE 4096
#define MAX_LOG_BUF_LEN (1ull << 31)

#define DESC_STATE_SHIFT 62
#define DESC_ID_MASK ((1ull << DESC_STATE_SHIFT) - 1)
#define DESC_COMMITTED 1
#define DESC_FINALIZED 2
#define CALLER_CPU 0x80000000u
/* Width of the caller id column, as makedumpfile pads it. */
#define CALLER_WIDTH 8

struct out {
	dmesg_sink sink;
	void *arg;
	char *buf;
	size_t len;
};

static struct error *out_flush(struct out *o)
{
	struct error *err = NULL;

	if (o->len)
		err = o->sink(o->arg, o->buf, o->len);
	o->len = 0;
	return err;
}

/* Room for @n more bytes. */
static struct error *out_room(struct out *o, size_t n)
{
	return o->len + n > OUT_CHUNK ? out_flush(o) : NULL;
}

static bool printable(uint8_t c)
{
	/* isprint() || isspace() in the C locale */
	return (c >= 0x20 && c < 0x7f) || (c >= '\t' && c <= '\r');
}

static struct error *put_record(struct out *o, uint64_t ts_nsec, bool has_caller,
				uint32_t caller, const uint8_t *text, size_t len)
{
	char pre[96], cid[16];
	int indent;
	struct error *err;
	size_t i;

	indent = snprintf(pre, sizeof(pre), "[%5llu.%06llu] ",
			  (unsigned long long)(ts_nsec / 1000000000),
			  (unsigned long long)(ts_nsec % 1000000000 / 1000));
	if (has_caller) {
		snprintf(cid, sizeof(cid), "%c%u", caller & CALLER_CPU ? 'C' : 'T',
			 caller & ~CALLER_CPU);
		indent += snprintf(pre + indent, sizeof(pre) - indent, "[%*s] ",
				   CALLER_WIDTH, cid);
	}
	err = out_room(o, (size_t)indent);
	if (err)
		return err;
	memcpy(o->buf + o->len, pre, (size_t)indent);
	o->len += (size_t)indent;
	for (i = 0; i < len; i++) {
		uint8_t c = text[i];

		err = out_room(o, (size_t)indent + 8);
		if (err)
			return err;
		if (c == '\n') {
			/* Continuation lines line up with the text. */
			o->buf[o->len++] = '\n';
			memset(o->buf + o->len, ' ', (size_t)indent);
			o->len += (size_t)indent;
		} else if (printable(c)) {
			o->buf[o->len++] = (char)c;
		} else {
			o->len += (size_t)snprintf(o->buf + o->len, 8, "\\x%02x", c);
		}
	}
	err = out_room(o, 1);
	if (!err)
		o->buf[o->len++] = '\n';
	return err;
}

/* ---- reading fields out of buffers copied from the dump ---- */

struct blob {
	const uint8_t *p;
	uint64_t size;
};

static bool get_u(const struct blob *b, uint64_t off, unsigned int width,
		  uint64_t *v)
{
	if (!range_in(off, width, b->size))
		return false;
	switch (width) {
	case 2:
		*v = load_le16(b->p + off);
		break;
	case 4:
		*v = load_le32(b->p + off);
		break;
	default:
		*v = load_le64(b->p + off);
		break;
	}
	return true;
}

/* A VMCOREINFO size or offset the code cannot do without. */
static struct error *need_size(struct kernel *k, const char *name, uint64_t *v)
{
	if (!vi_size(k->vi, name, v) || !*v || *v > MAX_STRUCT_SIZE)
		return ERR(ERR_FORMAT, "Can't get necessary structures for extracting "
			   "dmesg log: SIZE(%s) is missing or implausible.", name);
	return NULL;
}

static struct error *need_offset(struct kernel *k, const char *name, uint64_t *v)
{
	if (!vi_offset(k->vi, name, v) || *v >= MAX_STRUCT_SIZE)
		return ERR(ERR_FORMAT, "Can't get necessary structures for extracting "
			   "dmesg log: OFFSET(%s) is missing.", name);
	return NULL;
}

static struct error *read_blob(struct kernel *k, uint64_t va, uint64_t size,
			       const char *what, uint8_t **out)
{
	uint8_t *p = malloc(size ? size : 1);
	struct error *err;

	if (!p)
		return ERR_OOM();
	err = kernel_read(k, va, p, size);
	if (err) {
		free(p);
		return error_wrap(err, "Can't get %s", what);
	}
	*out = p;
	return NULL;
}

/* ---- lockless ring buffer ---- */

struct prb_layout {
	uint64_t sz_prb, off_desc_ring, off_text_ring;
	uint64_t off_count_bits, off_descs, off_infos, off_head_id, off_tail_id;
	uint64_t sz_desc, off_state_var, off_text_lpos, off_begin, off_next;
	uint64_t off_counter;
	uint64_t sz_info, off_seq, off_ts, off_text_len, off_caller;
	bool has_caller;
	uint64_t off_size_bits, off_data;
};

static struct error *prb_layout(struct kernel *k, struct prb_layout *l)
{
	struct error *err = NULL;

	err = need_size(k, "printk_ringbuffer", &l->sz_prb);
	if (!err) err = need_offset(k, "printk_ringbuffer.desc_ring", &l->off_desc_ring);
	if (!err) err = need_offset(k, "printk_ringbuffer.text_data_ring", &l->off_text_ring);
	if (!err) err = need_offset(k, "prb_desc_ring.count_bits", &l->off_count_bits);
	if (!err) err = need_offset(k, "prb_desc_ring.descs", &l->off_descs);
	if (!err) err = need_offset(k, "prb_desc_ring.infos", &l->off_infos);
	if (!err) err = need_offset(k, "prb_desc_ring.head_id", &l->off_head_id);
	if (!err) err = need_offset(k, "prb_desc_ring.tail_id", &l->off_tail_id);
	if (!err) err = need_size(k, "prb_desc", &l->sz_desc);
	if (!err) err = need_offset(k, "prb_desc.state_var", &l->off_state_var);
	if (!err) err = need_offset(k, "prb_desc.text_blk_lpos", &l->off_text_lpos);
	if (!err) err = need_offset(k, "prb_data_blk_lpos.begin", &l->off_begin);
	if (!err) err = need_offset(k, "prb_data_blk_lpos.next", &l->off_next);
	if (!err) err = need_size(k, "printk_info", &l->sz_info);
	if (!err) err = need_offset(k, "printk_info.seq", &l->off_seq);
	if (!err) err = need_offset(k, "printk_info.ts_nsec", &l->off_ts);
	if (!err) err = need_offset(k, "printk_info.text_len", &l->off_text_len);
	if (!err) err = need_offset(k, "prb_data_ring.size_bits", &l->off_size_bits);
	if (!err) err = need_offset(k, "prb_data_ring.data", &l->off_data);
	if (err)
		return err;
	/* atomic_long_t is a struct with one member; 0 when not exported. */
	if (!vi_offset(k->vi, "atomic_long_t.counter", &l->off_counter))
		l->off_counter = 0;
	l->has_caller = vi_offset(k->vi, "printk_info.caller_id", &l->off_caller);
	return NULL;
}

/* The sequence number "dmesg --clear" left, or 0. */
static struct error *prb_clear_seq(struct kernel *k, uint64_t *seq)
{
	uint64_t sym, sz, off, latch = 0;
	struct error *err;

	*seq = 0;
	if (!vi_symbol(k->vi, "clear_seq", &sym))
		return NULL;
	if (vi_size(k->vi, "latched_seq", &sz) && vi_offset(k->vi, "latched_seq.val", &off)) {
		uint32_t s32;

		/* A latched pair: the sequence counter's low bit picks the copy. */
		err = kernel_read(k, sym, &s32, sizeof(s32));
		if (err)
			return error_wrap(err, "Can't get clear_seq");
		latch = s32 & 1;
		return kernel_read(k, sym + off + latch * 8, seq, sizeof(*seq));
	}
	return kernel_read(k, sym, seq, sizeof(*seq));
}

struct prb {
	struct prb_layout l;
	struct blob descs, infos;
	uint8_t *data;
	uint64_t data_size;
	unsigned int size_bits;
	uint64_t count;
};

/* Where the text of a block [begin, next) lies in the data ring, if valid. */
static bool prb_text(const struct prb *r, uint64_t begin, uint64_t next,
		     uint64_t *off, uint64_t *len)
{
	uint64_t size = r->data_size, mask = size - 1;
	unsigned int sh = r->size_bits;

	/* Odd positions mark records without data. */
	if ((begin & 1) || (next & 1) || begin == next)
		return false;
	if (begin >> sh == next >> sh && begin < next) {
		*off = begin & mask;
		*len = next - begin;
	} else if ((begin + size) >> sh == next >> sh) {
		/* Wrapped: the block was stored from the start of the ring. */
		*off = 0;
		*len = next & mask;
	} else {
		return false;
	}
	if (*len < sizeof(uint64_t) || !range_in(*off, *len, size))
		return false;
	*off += sizeof(uint64_t);	/* the block starts with the descriptor id */
	*len -= sizeof(uint64_t);
	return true;
}

static struct error *prb_record(struct prb *r, uint64_t id, uint64_t min_seq,
				struct out *o, struct dmesg_info *info)
{
	const struct prb_layout *l = &r->l;
	uint64_t idx = id % r->count;
	struct blob d = { r->descs.p + idx * l->sz_desc, l->sz_desc };
	struct blob in = { r->infos.p + idx * l->sz_info, l->sz_info };
	uint64_t sv, begin, next, seq, ts, tl, caller = 0, off, len;

	if (!get_u(&d, l->off_state_var + l->off_counter, 8, &sv) ||
	    !get_u(&d, l->off_text_lpos + l->off_begin, 8, &begin) ||
	    !get_u(&d, l->off_text_lpos + l->off_next, 8, &next) ||
	    !get_u(&in, l->off_seq, 8, &seq) || !get_u(&in, l->off_ts, 8, &ts) ||
	    !get_u(&in, l->off_text_len, 2, &tl) ||
	    (l->has_caller && !get_u(&in, l->off_caller, 4, &caller))) {
		info->skipped++;
		return NULL;
	}
	/* Only records whose writer finished, still holding this id. */
	if ((sv & DESC_ID_MASK) != id)
		return NULL;
	if (sv >> DESC_STATE_SHIFT != DESC_COMMITTED &&
	    sv >> DESC_STATE_SHIFT != DESC_FINALIZED)
		return NULL;
	if (seq < min_seq)
		return NULL;
	if (!prb_text(r, begin, next, &off, &len))
		return NULL;
	/* A message cut short in the ring keeps what is there. */
	info->records++;
	return put_record(o, ts, l->has_caller, (uint32_t)caller, r->data + off,
			  MIN(tl, len));
}

static struct error *dump_prb(struct kernel *k, bool partial, struct out *o,
			      struct dmesg_info *info)
{
	struct prb r = { 0 };
	uint64_t sym, prb_va, v, head, tail, id, n, min_seq = 0;
	uint8_t *hdr = NULL, *descs = NULL, *infos = NULL;
	struct blob h;
	struct error *err;

	info->kind = "printk_ringbuffer";
	err = prb_layout(k, &r.l);
	if (err)
		return err;
	vi_symbol(k->vi, "prb", &sym);
	err = kernel_read_u64(k, sym, &prb_va);
	if (err)
		return error_wrap(err, "Can't get the prb address");
	err = read_blob(k, prb_va, r.l.sz_prb, "prb", &hdr);
	if (err)
		return err;
	h.p = hdr;
	h.size = r.l.sz_prb;
	if (!get_u(&h, r.l.off_desc_ring + r.l.off_count_bits, 4, &v) ||
	    v > MAX_COUNT_BITS) {
		err = ERR(ERR_FORMAT, "prb: implausible descriptor count bits");
		goto out;
	}
	r.count = 1ull << v;
	if (!get_u(&h, r.l.off_text_ring + r.l.off_size_bits, 4, &v) ||
	    v > MAX_SIZE_BITS || v < 4) {
		err = ERR(ERR_FORMAT, "prb: implausible data ring size bits");
		goto out;
	}
	r.size_bits = (unsigned int)v;
	r.data_size = 1ull << v;
	if (!get_u(&h, r.l.off_desc_ring + r.l.off_head_id + r.l.off_counter, 8, &head) ||
	    !get_u(&h, r.l.off_desc_ring + r.l.off_tail_id + r.l.off_counter, 8, &tail)) {
		err = ERR(ERR_FORMAT, "prb: head and tail ids lie outside printk_ringbuffer");
		goto out;
	}
	get_u(&h, r.l.off_desc_ring + r.l.off_descs, 8, &v);
	err = read_blob(k, v, r.count * r.l.sz_desc, "prb.desc_ring.descs", &descs);
	if (err)
		goto out;
	get_u(&h, r.l.off_desc_ring + r.l.off_infos, 8, &v);
	err = read_blob(k, v, r.count * r.l.sz_info, "prb.desc_ring.infos", &infos);
	if (err)
		goto out;
	get_u(&h, r.l.off_text_ring + r.l.off_data, 8, &v);
	err = read_blob(k, v, r.data_size, "prb.text_data_ring", &r.data);
	if (err)
		goto out;
	r.descs.p = descs;
	r.descs.size = r.count * r.l.sz_desc;
	r.infos.p = infos;
	r.infos.size = r.count * r.l.sz_info;
	if (partial) {
		err = prb_clear_seq(k, &min_seq);
		if (err)
			goto out;
		info->partial = vi_symbol(k->vi, "clear_seq", &sym);
	}
	head &= DESC_ID_MASK;
	tail &= DESC_ID_MASK;
	/* Never more records than the ring holds, whatever the ids say. */
	n = (head - tail) & DESC_ID_MASK;
	if (n >= r.count)
		tail = (head - (r.count - 1)) & DESC_ID_MASK;
	for (id = tail;; id = (id + 1) & DESC_ID_MASK) {
		err = prb_record(&r, id, min_seq, o, info);
		if (err || id == head)
			break;
	}
out:
	free(hdr);
	free(descs);
	free(infos);
	free(r.data);
	return err;
}

/* ---- log_buf ---- */

static struct error *read_sym(struct kernel *k, const char *name, void *v,
			      size_t len)
{
	uint64_t sym;
	struct error *err;

	if (!vi_symbol(k->vi, name, &sym))
		return ERR(ERR_FORMAT, "Can't find the symbol %s for log_buf.", name);
	err = kernel_read(k, sym, v, len);
	return err ? error_wrap(err, "Can't get %s", name) : NULL;
}

/* Before 3.5 the buffer is plain text ending at log_end. */
static struct error *dump_text_buf(struct kernel *k, uint64_t buf_va,
				   uint64_t len, struct out *o,
				   struct dmesg_info *info)
{
	uint64_t end = 0, idx;
	uint8_t *buf = NULL;
	struct error *err;

	info->kind = "log_buf (text)";
	if (k->version >= KERNEL_VERSION(2, 6, 25)) {
		uint32_t e32;

		err = read_sym(k, "log_end", &e32, sizeof(e32));
		end = e32;
	} else {
		err = read_sym(k, "log_end", &end, sizeof(end));
	}
	if (!err)
		err = read_blob(k, buf_va, len, "log_buf", &buf);
	if (err)
		return err;
	err = out_flush(o);
	if (!err && end < len) {
		err = o->sink(o->arg, buf, end);
	} else if (!err) {
		/* Wrapped: oldest text from the write position on. */
		idx = end & (len - 1);
		err = o->sink(o->arg, buf + idx, len - idx);
		if (!err)
			err = o->sink(o->arg, buf, idx);
	}
	free(buf);
	return err;
}

static struct error *dump_log_buf(struct kernel *k, bool partial, struct out *o,
				  struct dmesg_info *info)
{
	uint64_t buf_va, sz_log, off_len, off_text_len, off_ts, off_caller = 0;
	uint64_t sym, v, steps = 0, max_steps;
	uint32_t first, next_idx;
	int32_t len32;
	bool has_caller;
	uint8_t *buf = NULL;
	struct error *err;
	uint64_t len, ptr;

	err = read_sym(k, "log_buf", &buf_va, sizeof(buf_va));
	if (!err)
		err = read_sym(k, "log_buf_len", &len32, sizeof(len32));
	if (err)
		return err;
	if (len32 <= 0 || (uint64_t)len32 > MAX_LOG_BUF_LEN)
		return ERR(ERR_FORMAT, "log_buf_len %d is implausible", len32);
	len = (uint64_t)len32;
	if (!vi_symbol(k->vi, "log_first_idx", &sym) && vi_symbol(k->vi, "log_end", &sym)) {
		if (!is_power_of_2(len))
			return ERR(ERR_FORMAT, "log_buf_len %d is not a power of 2", len32);
		return dump_text_buf(k, buf_va, len, o, info);
	}
	info->kind = "log_buf";
	err = need_size(k, "printk_log", &sz_log);
	if (!err) err = need_offset(k, "printk_log.len", &off_len);
	if (!err) err = need_offset(k, "printk_log.text_len", &off_text_len);
	if (!err) err = need_offset(k, "printk_log.ts_nsec", &off_ts);
	if (err)
		return err;
	has_caller = vi_offset(k->vi, "printk_log.caller_id", &off_caller);
	if (off_len + 2 > sz_log || off_text_len + 2 > sz_log || off_ts + 8 > sz_log ||
	    (has_caller && off_caller + 4 > sz_log))
		return ERR(ERR_FORMAT, "printk_log members lie outside SIZE(printk_log)");
	info->partial = partial && vi_symbol(k->vi, "clear_idx", &sym);
	err = read_sym(k, info->partial ? "clear_idx" : "log_first_idx", &first,
		       sizeof(first));
	if (!err)
		err = read_sym(k, "log_next_idx", &next_idx, sizeof(next_idx));
	if (!err)
		err = read_blob(k, buf_va, len, "log_buf", &buf);
	if (err)
		return err;
	const struct blob b = { buf, len };
	/* Each step consumes one record of at least SIZE(printk_log) bytes. */
	max_steps = len / sz_log + 2;
	for (ptr = first; ptr != next_idx && !err; ) {
		uint64_t rlen, tl, ts, caller = 0;

		if (++steps > max_steps) {
			err = ERR(ERR_FORMAT, "log_buf: the records loop; the log is damaged");
			break;
		}
		if (!get_u(&b, ptr + off_len, 2, &rlen)) {
			err = ERR(ERR_FORMAT, "log_buf: record index 0x%llx lies outside the buffer",
				  (unsigned long long)ptr);
			break;
		}
		if (rlen == 0) {
			/* A zero length marks the end of the buffer: wrap around. */
			if (ptr == 0) {
				err = ERR(ERR_FORMAT, "log_buf: empty record at its start");
				break;
			}
			ptr = 0;
			continue;
		}
		if (rlen < sz_log || !range_in(ptr, rlen, len) ||
		    !get_u(&b, ptr + off_text_len, 2, &tl) ||
		    !get_u(&b, ptr + off_ts, 8, &ts) ||
		    (has_caller && !get_u(&b, ptr + off_caller, 4, &caller))) {
			err = ERR(ERR_FORMAT, "log_buf: damaged record at index 0x%llx",
				  (unsigned long long)ptr);
			break;
		}
		v = MIN(tl, rlen - sz_log);
		info->records++;
		err = put_record(o, ts, has_caller, (uint32_t)caller,
				 buf + ptr + sz_log, v);
		ptr += rlen;
	}
	free(buf);
	return err;
}

struct error *dmesg_dump(struct kernel *k, bool partial, dmesg_sink sink,
			 void *arg, struct dmesg_info *info)
{
	struct out o = { .sink = sink, .arg = arg };
	uint64_t sym;
	struct error *err;

	memset(info, 0, sizeof(*info));
	o.buf = malloc(OUT_CHUNK);
	if (!o.buf)
		return ERR_OOM();
	if (vi_symbol(k->vi, "prb", &sym))
		err = dump_prb(k, partial, &o, info);
	else if (vi_symbol(k->vi, "log_buf", &sym))
		err = dump_log_buf(k, partial, &o, info);
	else
		err = ERR(ERR_FORMAT, "Can't find some symbols for log_buf: "
			  "VMCOREINFO has neither SYMBOL(prb) nor SYMBOL(log_buf).");
	if (!err)
		err = out_flush(&o);
	free(o.buf);
	return err;
}
