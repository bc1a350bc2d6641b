"use strict";
exports.id = 457;
exports.ids = [457];
exports.modules = {

/***/ 93457:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.s3Backend = s3Backend;
/**
 * The `s3` backend: a bucket of the user's, for self-hosted runners and stores larger than
 * GitHub's cache allows. Entries are scoped by repository and ref (see s3Layout.ts and scope.ts).
 *
 * Atomic writes: a reader never sees half an archive, because S3 makes an object visible only
 * when its PutObject or CompleteMultipartUpload succeeds. So the archive is written straight to
 * its final key; a temporary key plus CopyObject would cost a second full write (and a multipart
 * copy above 5 GB) for no extra safety.
 *
 * Never overwrite: every write is conditional (`If-None-Match: *`), on PutObject and on
 * CompleteMultipartUpload, so when two jobs save one key at once S3 lets exactly one win and the
 * other gets 412 Precondition Failed (or 409 while the first is still completing), which we
 * report as "already saved". A HEAD before archiving only saves work; it is not the guard.
 *
 * Credentials come from the SDK's default chain; nothing here keeps or logs them.
 */
const node_fs_1 = __webpack_require__(73024);
const promises_1 = __webpack_require__(51455);
const node_path_1 = __importDefault(__webpack_require__(76760));
const promises_2 = __webpack_require__(46466);
const client_s3_1 = __webpack_require__(9330);
const shared_1 = __webpack_require__(46205);
const archive_1 = __webpack_require__(44297);
const s3Layout_1 = __webpack_require__(5967);
/** Same as the AWS CLI: multipart above 8 MiB, in parts of at least 8 MiB, 4 at a time. */
const PART_SIZE = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
const CONCURRENCY = 4;
const PERMISSIONS = 'The role needs s3:GetObject, s3:PutObject and s3:ListBucket on the bucket ' +
    '(and s3:AbortMultipartUpload), and the bucket must exist in the region given.';
function s3Backend(options) {
    const client = new client_s3_1.S3Client((0, shared_1.awsClientConfig)('s3', { region: options.region, action: 'cache-dependencies' }));
    const { bucket, root, scope } = options;
    const where = (key) => `s3://${bucket}/${key}`;
    async function exists(key) {
        try {
            await client.send(new client_s3_1.HeadObjectCommand({ Bucket: bucket, Key: key }));
            return true;
        }
        catch (error) {
            // A HEAD has no body: a missing key and a missing bucket both say 404 "NotFound". The
            // listing that follows every exact miss tells a missing bucket apart (NoSuchBucket).
            if ((0, shared_1.httpStatusOf)(error) === 404)
                return false;
            throw new shared_1.ActionError(`look up ${where(key)}`, describe(error), PERMISSIONS);
        }
    }
    async function newestUnder(prefix) {
        const listed = [];
        let token;
        try {
            do {
                const page = await client.send(new client_s3_1.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
                listed.push(...(page.Contents ?? []));
                token = page.IsTruncated ? page.NextContinuationToken : undefined;
            } while (token);
        }
        catch (error) {
            throw new shared_1.ActionError(`list ${where(prefix)}*`, describe(error), PERMISSIONS);
        }
        return (0, s3Layout_1.newest)(listed)?.Key;
    }
    async function locate(keys) {
        // GitHub's order: the exact key in every readable ref, then the restore prefix in each.
        for (const ref of scope.readRefs) {
            const key = (0, s3Layout_1.objectKey)(root, scope.repository, ref, keys.key);
            if (await exists(key))
                return { matchedKey: keys.key, objectKey: key };
        }
        for (const ref of scope.readRefs) {
            const prefix = (0, s3Layout_1.refPrefix)(root, scope.repository, ref);
            const found = await newestUnder(prefix + keys.restorePrefix);
            if (found)
                return { matchedKey: found.slice(prefix.length), objectKey: found };
        }
        return undefined;
    }
    async function download(located, file) {
        let response;
        try {
            response = await client.send(new client_s3_1.GetObjectCommand({ Bucket: bucket, Key: located.objectKey }));
        }
        catch (error) {
            throw new shared_1.ActionError(`download ${where(located.objectKey)}`, describe(error), PERMISSIONS);
        }
        try {
            await (0, promises_2.pipeline)(response.Body, (0, node_fs_1.createWriteStream)(file));
        }
        catch (error) {
            throw new archive_1.UnusableArchiveError(`the download broke off (${describe(error)})`);
        }
        const size = (await (0, promises_1.stat)(file)).size;
        if (response.ContentLength !== undefined && size !== response.ContentLength) {
            throw new archive_1.UnusableArchiveError(`the download is ${size} bytes, the object ${response.ContentLength}`);
        }
    }
    async function put(key, archive, size) {
        if (size <= PART_SIZE) {
            await client.send(new client_s3_1.PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: (0, node_fs_1.createReadStream)(archive),
                ContentLength: size,
                IfNoneMatch: '*',
            }));
            return;
        }
        const partSize = Math.max(PART_SIZE, Math.ceil(size / MAX_PARTS));
        const { UploadId } = await client.send(new client_s3_1.CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
        try {
            const count = Math.ceil(size / partSize);
            const parts = new Array(count);
            let next = 0;
            const worker = async () => {
                for (let index = next++; index < count; index = next++) {
                    const start = index * partSize;
                    const length = Math.min(partSize, size - start);
                    const { ETag } = await client.send(new client_s3_1.UploadPartCommand({
                        Bucket: bucket,
                        Key: key,
                        UploadId,
                        PartNumber: index + 1,
                        Body: (0, node_fs_1.createReadStream)(archive, { start, end: start + length - 1 }),
                        ContentLength: length,
                    }));
                    parts[index] = { ETag, PartNumber: index + 1 };
                }
            };
            await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
            await client.send(new client_s3_1.CompleteMultipartUploadCommand({
                Bucket: bucket,
                Key: key,
                UploadId,
                MultipartUpload: { Parts: parts },
                IfNoneMatch: '*',
            }));
        }
        catch (error) {
            await client
                .send(new client_s3_1.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
                .catch(() => undefined); // a lifecycle rule should clean up what this cannot
            throw error;
        }
    }
    return {
        name: 's3',
        async lookup(keys) {
            const located = await locate(keys);
            return located && { matchedKey: located.matchedKey };
        },
        async download(keys, dir) {
            const located = await locate(keys);
            if (!located)
                return undefined;
            const archive = node_path_1.default.join(dir, archive_1.ARCHIVE_FILE);
            await download(located, archive);
            return { matchedKey: located.matchedKey, archive };
        },
        async save(key, archive) {
            const target = (0, s3Layout_1.objectKey)(root, scope.repository, scope.writeRef, key);
            if (await exists(target))
                return 'exists';
            try {
                await put(target, archive, (await (0, promises_1.stat)(archive)).size);
                return 'saved';
            }
            catch (error) {
                const status = (0, shared_1.httpStatusOf)(error);
                if (status === 412 || status === 409)
                    return 'exists';
                throw new shared_1.ActionError(`save ${where(target)}`, describe(error), PERMISSIONS);
            }
        },
    };
}
function describe(error) {
    const name = (0, shared_1.awsErrorName)(error);
    const status = (0, shared_1.httpStatusOf)(error);
    const message = error instanceof Error ? error.message : String(error);
    return [name, status && `HTTP ${status}`, message !== name && message].filter(Boolean).join(': ');
}


/***/ }),

/***/ 5967:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.refSegment = refSegment;
exports.refPrefix = refPrefix;
exports.objectKey = objectKey;
exports.newest = newest;
/**
 * Where entries live in the bucket:
 *
 *   <root>/<owner>/<repo>/<url-encoded ref>/<cache key>
 *
 * One path segment per ref (a ref's slashes are encoded), so listing the prefix of one ref never
 * returns another ref's entries (refs/heads/a is not a prefix of refs/heads/ab's segment).
 * The encoding is encodeURIComponent with `%` written as `~`: keys without `%` need no special
 * handling anywhere (signing, consoles, moto's IAM check), and since git forbids `~` in ref
 * names, the mapping stays one to one.
 */
function refSegment(ref) {
    return encodeURIComponent(ref).replace(/%/g, '~');
}
function refPrefix(root, repository, ref) {
    return `${root.replace(/\/+$/, '')}/${repository}/${refSegment(ref)}/`;
}
function objectKey(root, repository, ref, key) {
    return `${refPrefix(root, repository, ref)}${key}`;
}
/** The newest listed entry (ties broken by key, so the choice is stable), if any. */
function newest(objects) {
    let best;
    for (const object of objects) {
        if (!object.Key || !object.LastModified)
            continue;
        if (!best?.LastModified ||
            object.LastModified > best.LastModified ||
            (object.LastModified.getTime() === best.LastModified.getTime() &&
                object.Key > (best.Key ?? ''))) {
            best = object;
        }
    }
    return best;
}


/***/ })

};
;