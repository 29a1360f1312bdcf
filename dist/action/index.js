/******/ var __webpack_modules__ = ({

/***/ 182:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   pG: () => (/* binding */ compatDecision)
/* harmony export */ });
/* unused harmony exports STEPS, ACTION_REPOSITORY, ACTION_REF, subActionUses */
/**
 * The root action.yml's `command` input, kept for one release: it names the sub-action that
 * replaces it (`uses: dbt-matrix/dbt-matrix/plan@v1` …) in a warning, then runs that step's bundle.
 * No @actions/core here: the step's bundle carries its own, and this entry stays tiny.
 */
const STEPS = ['plan', 'run', 'merge'];
/** Where the sub-actions live and the release users reference, as the README and examples write them. */
const ACTION_REPOSITORY = 'dbt-matrix/dbt-matrix';
const ACTION_REF = 'v1';
/** `uses:` of a sub-action: `<repository>/<step>@<ref>`. */
const subActionUses = (step, repository = ACTION_REPOSITORY, ref = ACTION_REF) => `${repository}/${step}@${ref}`;
/** A workflow command's message: `%`, CR and LF would end or corrupt it. */
const commandData = (s) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/**
 * What the compatibility front does for INPUT_COMMAND: the step to run and a `::warning::` naming
 * its sub-action, or no step and an `::error::`. The sub-action is named the way this step's
 * `uses:` referenced the action (GITHUB_ACTION_REPOSITORY / GITHUB_ACTION_REF, so a fork or a
 * commit pin is kept), falling back to the published name.
 */
function compatDecision(env) {
    const command = (env['INPUT_COMMAND'] ?? '').trim();
    if (!STEPS.includes(command)) {
        const expected = STEPS.map((s) => `${s} (or ${subActionUses(s)})`).join(', ');
        return {
            step: null,
            line: `::error::${commandData(`command: got ${JSON.stringify(command)}, expected one of ${expected}`)}\n`,
        };
    }
    const step = command;
    const uses = subActionUses(step, env['GITHUB_ACTION_REPOSITORY'] || ACTION_REPOSITORY, env['GITHUB_ACTION_REF'] || ACTION_REF);
    return {
        step,
        line: `::warning::${commandData(`dbt-matrix: \`command: ${step}\` is deprecated; use ${uses} (the same inputs, without \`command\`)`)}\n`,
    };
}


/***/ }),

/***/ 218:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _compat_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(182);
/**
 * The root action.yml's entry, a compatibility front kept for one release: `command` picks the
 * step, a warning names the sub-action to use instead (plan/, run/, merge/ at the repository root),
 * and the step's own ncc bundle under dist/<step>/ runs, loaded on demand so this file stays tiny.
 */

const { step, line } = (0,_compat_js__WEBPACK_IMPORTED_MODULE_0__/* .compatDecision */ .pG)(process.env);
process.stdout.write(line);
if (step === null) {
    process.exitCode = 1;
}
else {
    await import(/* webpackIgnore: true */ new URL(`../${step}/index.js`, import.meta.url).href);
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

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
/******/ var __webpack_exports__ = __nccwpck_require__(218);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
