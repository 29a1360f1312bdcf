import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 378:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Zu: () => (/* binding */ runSplitterThread)
});

// UNUSED EXPORTS: SplitterThreadUnavailable, splitOnThread

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __nccwpck_require__(919);
;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");
;// CONCATENATED MODULE: ./src/core/manifest/json-sections.ts
/**
 * Splits a large JSON object (dbt's manifest.json) into pieces without materialising it:
 * `whole` top-level sections (e.g. `metadata`) are handed over as one JSON text, `entries`
 * sections (e.g. `nodes`) one entry at a time as (key, JSON text); everything else (macros, docs,
 * parent_map...) is scanned and dropped. Entry fields named in `dropEntryFields` (raw and compiled
 * SQL, descriptions, columns: most of a manifest's bytes) reach the handler as `null`, so
 * JSON.parse never builds the large strings nobody reads.
 *
 * Why not a streaming JSON library: those tokenise every character in JavaScript, several times
 * slower than V8's native JSON.parse. This only finds entry boundaries (jumping over strings with
 * the native String indexOf) and lets JSON.parse do the parsing one entry at a time, so memory
 * stays near the size of the largest entry, and the bytes of dropped fields are never parsed.
 *
 * The scan loop is one method with the depth in a local: it runs once per bracket, comma and
 * string of the file (millions), so everything that happens only at depth ≤ 3 is kept out of it.
 *
 * Pure: bytes in, callbacks out; the caller does the reading.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
/** depth inside an entry's object (root 1, section 2, entry 3) */
const FIELD_DEPTH = 3;
const isSpace = (c) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** what a string at depth ≤ 3 means to the splitter; deeper strings are only skipped */
var Role;
(function (Role) {
    Role[Role["Plain"] = 0] = "Plain";
    /** a section name (depth 1) or an entry key (depth 2) */
    Role[Role["Key"] = 1] = "Key";
    /** the value of a dropped field */
    Role[Role["Dropped"] = 2] = "Dropped";
})(Role || (Role = {}));
class JsonSectionSplitter {
    h;
    depth = 0;
    rootSeen = false;
    /** opening bracket of the container whose inside is depth k+1 (k < FIELD_DEPTH) */
    kinds = [0, 0, 0];
    /** per depth (1..3): is the next string an object key? */
    expectKey = [false, false, false, false];
    /** the current chunk decoded as latin1: one character per byte, so string indices are byte offsets */
    text = '';
    /** a string continues from the previous chunk, with this role */
    inString = false;
    stringRole = Role.Plain;
    /** the previous chunk ended inside a string with an odd run of backslashes */
    escapeCarry = false;
    /** bytes of a section or entry key read so far, when it spans chunks */
    keyParts = [];
    sectionKey = null;
    entryKey = null;
    /** depth whose value is being captured (1 = whole section, 2 = entry), 0 = none */
    captureDepth = 0;
    /** captured text so far: decoded pieces, and the bytes that ended the previous chunk */
    captureParts = [];
    captureTail = [];
    /** the current chunk is ASCII: its latin1 text is its UTF-8 text, and pieces are slices of it */
    ascii = false;
    /** where the current chunk's captured bytes start; -1 while a dropped value is skipped */
    captureStart = -1;
    dropKeys;
    /** bit k set: some dropped field name has k characters (most field names are ruled out by this) */
    dropLengths;
    /** some dropped field name is too long for the bits: names that long are always compared */
    longDropKeys;
    /** the field just read is dropped: its value, when it starts, is replaced by null */
    dropNext = false;
    /** a dropped container value is being skipped until it closes back to FIELD_DEPTH */
    droppingContainer = false;
    constructor(h) {
        this.h = h;
        this.dropKeys = [...(h.dropEntryFields ?? [])];
        this.dropLengths = this.dropKeys.reduce((bits, k) => (k.length < 31 ? bits | (1 << k.length) : bits), 0);
        this.longDropKeys = this.dropKeys.some((k) => k.length >= 31);
    }
    push(chunk) {
        // String builtins (indexOf, charCodeAt, startsWith) cost a fraction of Buffer's per call, and
        // a manifest has millions of strings; bytes ≥ 0x80 only ever occur inside strings, and
        // captured entries are still decoded from the bytes as UTF-8.
        const text = (this.text = chunk.toString('latin1'));
        this.ascii = (0,external_node_buffer_namespaceObject.isAscii)(chunk);
        const n = text.length;
        if (this.captureDepth > 0 && !this.droppingContainer && !(this.inString && this.stringRole === Role.Dropped))
            this.captureStart = 0;
        let i = this.inString ? this.resumeString(chunk) : 0;
        let depth = this.depth;
        const kinds = this.kinds;
        const expectKey = this.expectKey;
        while (i < n) {
            const c = text.charCodeAt(i);
            if (this.dropNext && c !== COLON && !isSpace(c))
                this.startDrop(chunk, c, i);
            if (c === QUOTE) {
                const fieldLevel = depth === FIELD_DEPTH && this.captureDepth === 2 && this.captureStart >= 0;
                if (depth <= FIELD_DEPTH && !fieldLevel) {
                    i = this.shallowString(chunk, i + 1, depth);
                    continue;
                }
                // most strings: values inside entries and anywhere else, only skipped; of an entry's field
                // names, only those as long as a dropped one are compared (one split across chunks is kept)
                const q = closingQuote(text, i + 1, 0);
                if (q < 0) {
                    i = this.stringContinues(Role.Plain, i + 1);
                    continue;
                }
                const len = q - i - 1;
                if (fieldLevel && expectKey[FIELD_DEPTH] && (len < 31 ? ((this.dropLengths >> len) & 1) === 1 : this.longDropKeys))
                    this.fieldKeyEnded(i + 1, q);
                i = q + 1;
                continue;
            }
            if (c === OPEN_OBJ || c === OPEN_ARR) {
                if (depth <= 2)
                    this.opening(depth, i);
                if (depth < FIELD_DEPTH)
                    kinds[depth] = c;
                depth++;
                if (depth <= FIELD_DEPTH)
                    expectKey[depth] = c === OPEN_OBJ;
            }
            else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
                depth--;
                if (depth < 0)
                    throw new Error('malformed JSON: a closing bracket without an opening one');
                if (depth <= FIELD_DEPTH)
                    this.closed(chunk, depth, i);
            }
            else if (depth <= FIELD_DEPTH) {
                if (c === COLON)
                    expectKey[depth] = false;
                else if (c === COMMA)
                    expectKey[depth] = kinds[depth - 1] === OPEN_OBJ;
            }
            i++;
        }
        this.depth = depth;
        // a multi-byte character may straddle chunks: the tail is decoded together with what follows
        if (this.captureDepth > 0 && this.captureStart >= 0)
            this.captureTail.push(chunk.subarray(this.captureStart));
    }
    /** Call after the last chunk: a file that stops early is an error, not a smaller manifest. */
    end() {
        if (!this.rootSeen || this.depth !== 0 || this.inString) {
            throw new Error('the JSON ends early (truncated file?)');
        }
    }
    /** A string at depth ≤ 3 starts at `start`: skip it, then act on what it was. */
    shallowString(chunk, start, depth) {
        let role = Role.Plain;
        if (depth === FIELD_DEPTH) {
            if (this.captureStart < 0 && this.captureDepth === 2)
                role = Role.Dropped; // startDrop saw its quote
        }
        else if (depth >= 1 && this.expectKey[depth]) {
            role = Role.Key;
        }
        const q = closingQuote(this.text, start, 0);
        if (q < 0) {
            if (role === Role.Key)
                this.keyParts = [chunk.subarray(start)];
            return this.stringContinues(role, start);
        }
        this.stringEnded(chunk, role, start, q, depth);
        return q + 1;
    }
    /** The chunk starts inside a string: find where it ends. */
    resumeString(chunk) {
        const carry = this.escapeCarry ? 1 : 0;
        const role = this.stringRole;
        const q = closingQuote(this.text, 0, carry);
        if (q < 0) {
            if (role === Role.Key)
                this.keyParts.push(chunk);
            this.escapeCarry = trailingBackslashes(this.text, this.text.length, carry) % 2 === 1;
            return this.text.length;
        }
        this.inString = false;
        this.stringEnded(chunk, role, 0, q, this.depth);
        return q + 1;
    }
    stringContinues(role, start) {
        this.inString = true;
        this.stringRole = role;
        this.escapeCarry = trailingBackslashes(this.text, this.text.length, 0) % 2 === 1 && this.text.length > start;
        return this.text.length;
    }
    stringEnded(chunk, role, start, q, depth) {
        if (role === Role.Key)
            this.keyEnded(chunk.subarray(start, q), depth);
        else if (role === Role.Dropped)
            this.captureStart = q + 1;
    }
    keyEnded(last, depth) {
        const raw = (this.keyParts.length === 0 ? last : Buffer.concat([...this.keyParts, last])).toString('utf8');
        this.keyParts = [];
        const key = raw.includes('\\') ? JSON.parse(`"${raw}"`) : raw;
        if (depth === 1)
            this.sectionKey = key;
        else
            this.entryKey = key;
    }
    /** Compares the field name in place (no string is made for the many fields that are kept). */
    fieldKeyEnded(start, quoteAt) {
        const len = quoteAt - start;
        for (const k of this.dropKeys) {
            if (k.length === len && this.text.startsWith(k, start)) {
                this.dropNext = true;
                return;
            }
        }
    }
    /** Captured bytes [from, to) of the chunk as text (after any tail the previous chunk left). */
    piece(chunk, from, to) {
        if (this.captureTail.length > 0) {
            const bytes = Buffer.concat([...this.captureTail, chunk.subarray(from, to)]);
            this.captureTail = [];
            return bytes.toString('utf8');
        }
        return this.ascii ? this.text.slice(from, to) : chunk.toString('utf8', from, to);
    }
    /** The value of a dropped field starts at `i`: strings and containers become null, scalars stay. */
    startDrop(chunk, c, i) {
        this.dropNext = false;
        if (c !== QUOTE && c !== OPEN_OBJ && c !== OPEN_ARR)
            return;
        if (this.captureStart >= 0)
            this.captureParts.push(this.piece(chunk, this.captureStart, i));
        this.captureParts.push('null');
        this.captureStart = -1;
        this.droppingContainer = c !== QUOTE;
    }
    /** A container opens at depth 1 or 2: a wanted section or entry starts capturing. */
    opening(depth, i) {
        this.rootSeen = true;
        const section = this.sectionKey;
        if (this.captureDepth !== 0 || section === null)
            return;
        if ((depth === 1 && this.h.whole.has(section)) || (depth === 2 && this.h.entries.has(section))) {
            this.captureDepth = depth;
            this.captureParts = [];
            this.captureTail = [];
            this.captureStart = i;
        }
    }
    /** A container closed back to `depth` (≤ 3): a dropped value or a captured piece may end. */
    closed(chunk, depth, i) {
        if (this.droppingContainer && depth === FIELD_DEPTH) {
            this.droppingContainer = false;
            this.captureStart = i + 1;
        }
        else if (this.captureDepth > 0 && depth === this.captureDepth) {
            const last = this.piece(chunk, this.captureStart, i + 1);
            const json = this.captureParts.length === 0 ? last : this.captureParts.join('') + last;
            this.captureDepth = 0;
            this.captureParts = [];
            if (depth === 1)
                this.h.onWhole(this.sectionKey, json);
            else
                this.h.onEntry(this.sectionKey, this.entryKey, json);
        }
    }
}
/** Index of the quote that closes a string searched from `from`, or -1 if the text ends first. */
function closingQuote(text, from, carry) {
    for (let i = from;;) {
        const q = text.indexOf('"', i);
        if (q < 0)
            return -1;
        if (text.charCodeAt(q - 1) !== BACKSLASH && q > 0)
            return q;
        if (trailingBackslashes(text, q, carry) % 2 === 0)
            return q;
        i = q + 1;
    }
}
/** Backslashes right before `end`; `carry` continues a run that began in the previous chunk. */
function trailingBackslashes(text, end, carry) {
    let j = end - 1;
    while (j >= 0 && text.charCodeAt(j) === BACKSLASH)
        j--;
    return j < 0 ? end + carry : end - 1 - j;
}

;// CONCATENATED MODULE: ./src/io/manifest-split.ts


/**
 * Streams a manifest through the splitter: the wanted sections whole, the entries of the node
 * sections one JSON text at a time, the bytes planning never reads (SQL, docs) left out. Shared
 * by the in-thread reader and the worker thread that splits while the main thread parses.
 */
/** Sections holding selectable things; macros, docs, parent/child maps are never normalised. */
const ENTRY_SECTIONS = new Set(['nodes', 'sources', 'exposures', 'unit_tests']);
const WHOLE_SECTIONS = new Set(['metadata', 'selectors']);
/** Entry fields that hold most of a manifest's bytes and that planning never reads. */
const DROPPED_FIELDS = new Set(['raw_code', 'compiled_code', 'raw_sql', 'compiled_sql', 'description', 'columns', 'extra_ctes', 'docs', 'doc_blocks']);
const CHUNK_BYTES = 1024 * 1024;
async function splitManifestFile(file, sink) {
    const splitter = new JsonSectionSplitter({
        whole: WHOLE_SECTIONS,
        entries: ENTRY_SECTIONS,
        dropEntryFields: DROPPED_FIELDS,
        onWhole: (section, json) => sink(section, null, json),
        onEntry: (section, key, json) => sink(section, key, json),
    });
    for await (const chunk of (0,external_node_fs_namespaceObject.createReadStream)(file, { highWaterMark: CHUNK_BYTES }))
        splitter.push(chunk);
    splitter.end();
}

;// CONCATENATED MODULE: ./src/io/manifest-thread.ts





const BATCH_ENTRIES = 512;
/** The worker's side: splits `file`, posting batches, then `done` or the error that stopped it. */
async function runSplitterThread(port, { file }) {
    // stay alive until the reader terminates this thread: an exit then always means a failure and
    // never races the delivery of the last message
    port.on('message', () => undefined);
    let batch = { kind: 'batch', sections: [], keys: [], texts: [] };
    const flush = () => {
        if (batch.texts.length > 0)
            port.postMessage(batch);
        batch = { kind: 'batch', sections: [], keys: [], texts: [] };
    };
    try {
        await splitManifestFile(file, (section, key, json) => {
            batch.sections.push(section);
            batch.keys.push(key);
            batch.texts.push(json);
            if (batch.texts.length >= BATCH_ENTRIES)
                flush();
        });
        flush();
        port.postMessage({ kind: 'done' });
    }
    catch (err) {
        flush();
        port.postMessage({ kind: 'error', message: err.message });
    }
}
/** The thread could not run (missing bundle, crash): not a fault of the file. */
class SplitterThreadUnavailable extends (/* unused pure expression or super */ null && (Error)) {
}
/**
 * This thread's side: hands each entry the worker split to `sink`, in file order. Rejects with the
 * worker's own error (a broken file) or with whatever `sink` throws, and with
 * SplitterThreadUnavailable when the worker itself failed; resolves false when there is no worker
 * bundle beside this one (running from source: tests read on one thread).
 */
async function splitOnThread(file, sink) {
    const script = workerBundle();
    if (script === null)
        return false;
    const worker = new Worker(script, { workerData: { file } });
    try {
        await new Promise((resolve, reject) => {
            worker.on('message', (m) => {
                try {
                    if (m.kind === 'batch')
                        for (let i = 0; i < m.texts.length; i++)
                            sink(m.sections[i], m.keys[i], m.texts[i]);
                    else if (m.kind === 'done')
                        resolve();
                    else
                        reject(new Error(m.message));
                }
                catch (err) {
                    reject(err);
                }
            });
            worker.once('error', (err) => reject(new SplitterThreadUnavailable(err.message)));
            worker.once('exit', (code) => reject(new SplitterThreadUnavailable(`the splitter thread stopped early (exit code ${code})`)));
        });
        return true;
    }
    finally {
        worker.removeAllListeners();
        void worker.terminate();
    }
}
/** dist/manifest-worker/index.js, beside the bundle this code runs from (dist/plan, dist/cli...). */
function workerBundle() {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'manifest-worker', 'index.js');
    return existsSync(file) ? file : null;
}


/***/ }),

/***/ 438:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var node_worker_threads__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(919);
/* harmony import */ var node_worker_threads__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_worker_threads__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _io_manifest_thread_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(378);
/** Worker thread entry (dist/manifest-worker): splits a large manifest for the reader (src/io/manifest-thread.ts). */


await (0,_io_manifest_thread_js__WEBPACK_IMPORTED_MODULE_1__/* .runSplitterThread */ .Zu)(node_worker_threads__WEBPACK_IMPORTED_MODULE_0__.parentPort, node_worker_threads__WEBPACK_IMPORTED_MODULE_0__.workerData);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(438);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
