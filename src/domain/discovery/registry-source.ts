import type { PackageUrl } from '../vendors/purl.js';
import { registryName } from '../vendors/purl.js';
import { fetchWithEvidence } from './discovery-fetcher.js';
import type { DiscoveryRun } from './discovery-run.js';
import type { Evidence } from '../vendors/vendor.js';
import { recogniseRepository, registryDocumentUrl } from './known-sources.js';
import { EMAIL } from './repository-source.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 1000) : undefined);
/** The address in a registry's e-mail field, whatever else the (package author's) text holds. */
const addressIn = (value: unknown) => text(value)?.match(EMAIL)?.[0];

/** What a registry document says about where to report and where the code lives. */
interface PackageFacts {
  emails: { address: string; field: string }[];
  pages: { url: string; field: string }[];
  repositories: string[];
}

function npmFacts(doc: Json): PackageFacts {
  const facts: PackageFacts = { emails: [], pages: [], repositories: [] };
  const bugs = doc.bugs;
  if (typeof bugs === 'string') facts.pages.push({ url: bugs, field: 'bugs' });
  else if (isObject(bugs)) {
    if (text(bugs.url)) facts.pages.push({ url: text(bugs.url)!, field: 'bugs.url' });
    const address = addressIn(bugs.email);
    if (address) facts.emails.push({ address, field: 'bugs.email' });
  }
  const people = [...(Array.isArray(doc.maintainers) ? doc.maintainers : []), doc.author].slice(0, 20);
  for (const person of people) {
    if (isObject(person)) {
      const address = addressIn(person.email);
      if (address) facts.emails.push({ address, field: 'maintainers' });
    }
    else if (typeof person === 'string') for (const address of person.match(EMAIL) ?? []) facts.emails.push({ address, field: 'author' });
  }
  const repository = doc.repository;
  const repoUrl = typeof repository === 'string' ? repository : isObject(repository) ? text(repository.url) : undefined;
  if (repoUrl) facts.repositories.push(/^[\w.-]+\/[\w.-]+$/.test(repoUrl) ? `https://github.com/${repoUrl}` : repoUrl.replace(/^github:/, 'https://github.com/'));
  return facts;
}

function pypiFacts(doc: Json): PackageFacts {
  const facts: PackageFacts = { emails: [], pages: [], repositories: [] };
  const info = isObject(doc.info) ? doc.info : {};
  for (const field of ['maintainer_email', 'author_email']) for (const address of text(info[field])?.match(EMAIL) ?? []) facts.emails.push({ address, field: `info.${field}` });
  const urls = isObject(info.project_urls) ? info.project_urls : {};
  for (const [label, value] of Object.entries(urls).slice(0, 30)) {
    const url = text(value);
    if (!url) continue;
    // The label is the package author's text: it goes into evidence, so only printable characters of it.
    const field = `project_urls.${label.replace(/[^\x20-\x7e]/g, '?').slice(0, 60)}`;
    // A security page or the bug tracker (a public tracker is flagged when it is added).
    if (/security|vulnerab|disclos|issue|bug|tracker/i.test(label)) facts.pages.push({ url, field });
    else if (/source|repo|code|github|gitlab/i.test(label)) facts.repositories.push(url);
  }
  if (text(info.home_page)) facts.repositories.push(text(info.home_page)!);
  return facts;
}

function cratesFacts(doc: Json): PackageFacts {
  const crate = isObject(doc.crate) ? doc.crate : {};
  return { emails: [], pages: [], repositories: [text(crate.repository), text(crate.homepage)].filter((u): u is string => Boolean(u)) };
}

/**
 * A package's registry metadata (npm `bugs`, maintainers, `repository`; PyPI `project_urls` and
 * addresses; crates.io `repository`): addresses and pages become channels, and the repositories
 * found are queued so their SECURITY.md and private reporting are looked at too.
 */
export async function discoverPackage(run: DiscoveryRun, purl: PackageUrl): Promise<void> {
  const { net, now, sources } = run.deps;
  const url = registryDocumentUrl(purl.type, registryName(purl), sources);
  if (!url) {
    run.warn(`no registry is known for package type "${purl.type}": only the directory and coordinators were consulted for it`);
    return;
  }
  const outcome = await fetchWithEvidence(net, url, run.signal, now, { accept: 'application/json' });
  if (!outcome.ok) {
    if (outcome.error.reason !== 'aborted') run.warn(`${url}: ${outcome.error.message}`);
    return;
  }
  if (outcome.response.status !== 200) {
    run.warn(`${url} answered HTTP ${outcome.response.status}${outcome.response.status === 404 ? ': the registry does not know the package' : ''}`);
    return;
  }
  if (outcome.response.truncated) {
    run.warn(`${url} is larger than the limit of ${net.limits.maxBytes} bytes: not read`);
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(outcome.response.body.toString('utf8'));
  } catch {
    run.warn(`${url} is not JSON`);
    return;
  }
  if (!isObject(doc)) {
    run.warn(`${url} is not a JSON object`);
    return;
  }
  const facts = purl.type === 'npm' ? npmFacts(doc) : purl.type === 'pypi' ? pypiFacts(doc) : cratesFacts(doc);
  const evidence = (excerpt: string): Evidence => ({ ...outcome.evidence, excerpt: excerpt.slice(0, 300) });
  for (const page of facts.pages) {
    try {
      const link = new URL(page.url);
      if (link.protocol === 'https:' || link.protocol === 'http:') run.add({ kind: 'web_form', value: link.href, source: 'registry', evidence: evidence(`${page.field}: ${page.url}`) });
    } catch {
      run.warn(`${url}: ${page.field} is not a URL`);
    }
  }
  for (const { address, field } of facts.emails.slice(0, 20)) {
    run.add({ kind: 'email', value: address, source: 'registry', note: field.startsWith('bugs') ? 'the package’s bug-report address' : 'a package maintainer, not a security contact', evidence: evidence(`${field}: ${address}`) });
  }
  for (const raw of facts.repositories) {
    let repoUrl: URL;
    try {
      repoUrl = new URL(raw.replace(/^git\+/, '').replace(/^git:\/\//, 'https://').replace(/^git@([^:]+):/, 'https://$1/'));
    } catch {
      continue;
    }
    const repository = recogniseRepository(repoUrl, sources);
    if (repository) run.addRepository(repository);
  }
}
