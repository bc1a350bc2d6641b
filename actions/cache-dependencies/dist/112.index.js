"use strict";
exports.id = 112;
exports.ids = [112];
exports.modules = {

/***/ 66112:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.githubBackend = githubBackend;
/**
 * The `github` backend: GitHub's Actions cache service through @actions/cache (5.1.0, the last
 * CommonJS major). The toolkit stores one file for us, our own archive, so that both backends
 * share the archive format, the integrity check and the extract-then-swap restore.
 *
 * @actions/cache hashes the paths it is given into the entry's version, globs them from the
 * current directory and archives them relative to GITHUB_WORKSPACE. We give it a constant
 * relative path and, for the duration of the call, make a temp dir both the current directory and
 * GITHUB_WORKSPACE, so the version is the same on every runner and the toolkit never reads or
 * writes the real workspace.
 *
 * Limit of the toolkit: it reports service and network failures as a warning and a miss (its
 * design: caching is optional), so with this backend an access problem shows as a warning, not a
 * failed step. The s3 backend fails the step.
 */
const cache = __importStar(__webpack_require__(48613));
const node_path_1 = __importDefault(__webpack_require__(76760));
const shared_1 = __webpack_require__(46205);
const archive_1 = __webpack_require__(44297);
function githubBackend() {
    if (!cache.isFeatureAvailable()) {
        throw new shared_1.ActionError('use the GitHub cache service', 'this runner does not provide it (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL are not set)', 'Use backend: s3 on runners without GitHub’s cache (self-hosted without cache, act).');
    }
    return {
        name: 'github',
        async lookup(keys) {
            const matchedKey = await inWorkspace(process.cwd(), () => cache.restoreCache([archive_1.ARCHIVE_FILE], keys.key, [keys.restorePrefix], { lookupOnly: true }));
            return matchedKey ? { matchedKey } : undefined;
        },
        async download(keys, dir) {
            const matchedKey = await inWorkspace(dir, () => cache.restoreCache([archive_1.ARCHIVE_FILE], keys.key, [keys.restorePrefix]));
            return matchedKey ? { matchedKey, archive: node_path_1.default.join(dir, archive_1.ARCHIVE_FILE) } : undefined;
        },
        async save(key, archive) {
            if (node_path_1.default.basename(archive) !== archive_1.ARCHIVE_FILE) {
                throw new Error(`the archive must be named ${archive_1.ARCHIVE_FILE}`);
            }
            const id = await inWorkspace(node_path_1.default.dirname(archive), () => cache.saveCache([archive_1.ARCHIVE_FILE], key));
            // -1: the toolkit did not save (another job reserved the key first, or it warned above).
            return id === -1 ? 'not-saved' : 'saved';
        },
    };
}
/** Runs one toolkit call with `dir` as the current directory and GITHUB_WORKSPACE (see above). */
async function inWorkspace(dir, work) {
    const saved = { cwd: process.cwd(), workspace: process.env.GITHUB_WORKSPACE };
    process.env.GITHUB_WORKSPACE = dir;
    process.chdir(dir);
    try {
        return await work();
    }
    finally {
        process.chdir(saved.cwd);
        if (saved.workspace === undefined)
            delete process.env.GITHUB_WORKSPACE;
        else
            process.env.GITHUB_WORKSPACE = saved.workspace;
    }
}


/***/ })

};
;