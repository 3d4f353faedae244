import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { checkMediaFile, decodeMediaUrl, MEDIA_LIMITS, MediaError, mediaDataUrl } from '../../../src/core/media/mediaFormats';
import { mediaInputNames, resolveMediaInputs } from '../../../src/core/media/mediaInputs';
import { unsupportedMedia } from '../../../src/core/media/mediaSupport';
import { describeInputFields, inputValuesFromForm } from '../../../src/core/prompt/inputFields';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { renderPrompt } from '../../../src/core/prompt/renderPrompt';
import { toConverseInput } from '../../../src/core/providers/bedrock';
import { documentRefusal, toChatMessages } from '../../../src/core/providers/openaiCompatible';
import type { ChatMessage, ModelRequest } from '../../../src/core/providers/types';

const SAMPLES = path.resolve(__dirname, '../../../../samples/media');
const PNG = fs.readFileSync(path.join(SAMPLES, 'landscape.png'));
const PDF = fs.readFileSync(path.join(SAMPLES, 'refund-policy.pdf'));

const PROMPT = `---
model: bedrock/amazon.nova-lite-v1:0
input:
  schema:
    photo: media, a picture
    question?: string
---
{{role "user"}}{{media url=photo}}
What is in it? {{question}}`;

const request = (messages: ChatMessage[], extra: Partial<ModelRequest> = {}): ModelRequest => ({ modelId: 'amazon.nova-lite-v1:0', messages, config: {}, ...extra });
const userWith = (...urls: string[]): ChatMessage => ({ role: 'user', content: [{ text: 'Look:' }, ...urls.map((url) => ({ media: { url } }))] });

describe('media inputs: formats and limits', () => {
  it('a file becomes a data: URL with its type and name, and decodes back to the same bytes', () => {
    const url = mediaDataUrl('landscape.png', PNG);
    assert.match(url, /^data:image\/png;name=landscape\.png;base64,/);
    const decoded = decodeMediaUrl(url);
    assert.equal(decoded.kind, 'image');
    assert.equal(decoded.format, 'png');
    assert.equal(decoded.name, 'landscape.png');
    assert.deepEqual(Buffer.from(decoded.bytes), PNG);
    const pdf = decodeMediaUrl(mediaDataUrl('Refund policy.pdf', PDF));
    assert.equal(pdf.kind, 'document');
    assert.equal(pdf.format, 'pdf');
    assert.equal(pdf.name, 'Refund policy.pdf');
  });

  it('refuses an unsupported type, a renamed file and a file past the size limit, each with a sentence', () => {
    assert.throws(() => checkMediaFile('song.mp3', PNG), (err: Error) => err instanceof MediaError && /song\.mp3 is not an image or document.*png, jpg/.test(err.message));
    assert.throws(() => checkMediaFile('photo.png', PDF), /photo\.png does not look like a PNG file/);
    const big = Buffer.alloc(MEDIA_LIMITS.imageBytes + 1);
    PNG.copy(big);
    assert.throws(() => checkMediaFile('big.png', big), /big\.png is 3\.8 MB; Amazon Bedrock takes images up to 3\.8 MB/);
    const bigText = Buffer.alloc(MEDIA_LIMITS.documentBytes + 10, 0x41);
    assert.throws(() => checkMediaFile('notes.txt', bigText), /notes\.txt is 4\.5 MB; Amazon Bedrock takes documents up to 4\.5 MB\. Split it/);
  });

  it('knows which inputs are media, types their form fields, and keeps paths from the form', async () => {
    const parsed = parsePromptSource(PROMPT);
    assert.deepEqual(mediaInputNames(parsed.inputSchema), ['photo']);
    const fields = await describeInputFields(parsed);
    assert.equal(fields.find((f) => f.name === 'photo')?.type, 'media');
    assert.equal(fields.find((f) => f.name === 'photo')?.multiline, false);
    assert.deepEqual(inputValuesFromForm(fields, { photo: '@media/landscape.png', question: 'Sky?' }), { photo: 'media/landscape.png', question: 'Sky?' });
  });
});

describe('media inputs: reading workspace files', () => {
  let workspace: string;
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-media-'));
    fs.mkdirSync(path.join(workspace, 'media'));
    fs.mkdirSync(path.join(workspace, 'datasets', 'pics'), { recursive: true });
    fs.copyFileSync(path.join(SAMPLES, 'landscape.png'), path.join(workspace, 'media', 'landscape.png'));
    fs.copyFileSync(path.join(SAMPLES, 'landscape.png'), path.join(workspace, 'datasets', 'pics', 'case1.png'));
    fs.writeFileSync(path.join(workspace, 'media', 'clip.mp4'), 'not a video');
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('reads a workspace path (with or without @) into a data URL; other inputs and URLs stay as they are', async () => {
    const values = await resolveMediaInputs({ photo: '@media/landscape.png', question: 'x', other: 'data:image/png;base64,AAAA' }, ['photo', 'other'], { root: workspace });
    assert.equal(values.question, 'x');
    assert.equal(values.other, 'data:image/png;base64,AAAA');
    assert.deepEqual(Buffer.from(decodeMediaUrl(values.photo as string).bytes), PNG);
  });

  it('finds a dataset case’s file relative to the dataset first, then the workspace', async () => {
    const values = await resolveMediaInputs({ photo: 'pics/case1.png' }, ['photo'], { root: workspace, bases: [path.join(workspace, 'datasets')] });
    assert.match(values.photo as string, /^data:image\/png;name=case1\.png;base64,/);
  });

  it('names the input when a file is missing, of the wrong type, or outside the workspace', async () => {
    await assert.rejects(resolveMediaInputs({ photo: 'media/missing.png' }, ['photo'], { root: workspace }), /Input “photo”: media\/missing\.png was not found/);
    await assert.rejects(resolveMediaInputs({ photo: 'media/clip.mp4' }, ['photo'], { root: workspace }), /Input “photo”: media\/clip\.mp4 is not an image or document/);
    const outside = path.join(os.tmpdir(), `pw-outside-${process.pid}.png`);
    fs.copyFileSync(path.join(SAMPLES, 'landscape.png'), outside);
    try {
      await assert.rejects(resolveMediaInputs({ photo: outside }, ['photo'], { root: workspace }), /Input “photo”: .*outside the workspace folder/);
      fs.symlinkSync(outside, path.join(workspace, 'media', 'link.png'));
      await assert.rejects(resolveMediaInputs({ photo: 'media/link.png' }, ['photo'], { root: workspace }), /outside the workspace folder/);
    } finally {
      fs.rmSync(outside, { force: true });
    }
  });

  it('renders {{media url=photo}} into a media part holding the file', async () => {
    const photo = (await resolveMediaInputs({ photo: 'media/landscape.png' }, ['photo'], { root: workspace })).photo;
    const rendered = await renderPrompt(PROMPT, { photo, question: 'Sky?' });
    const parts = rendered.messages[0].content as { media?: { url: string } }[];
    assert.equal(parts.find((p) => p.media)?.media?.url, photo);
    assert.deepEqual(rendered.missingInputs, []);
  });
});

describe('media in requests: Converse blocks and the OpenAI-compatible shape', () => {
  it('sends images as image blocks and documents as document blocks with Converse-safe unique names', () => {
    const input: ConverseStreamCommandInput = toConverseInput(
      request([userWith(mediaDataUrl('landscape.png', PNG), mediaDataUrl('Refund policy, v3.pdf', PDF), mediaDataUrl('Refund policy, v3.pdf', PDF))]),
    );
    const content = input.messages![0].content!;
    assert.deepEqual(content[0], { text: 'Look:' });
    assert.equal(content[1].image?.format, 'png');
    assert.deepEqual(Buffer.from(content[1].image!.source!.bytes!), PNG);
    assert.equal(content[2].document?.format, 'pdf');
    assert.equal(content[2].document?.name, 'Refund policy- v3');
    assert.equal(content[3].document?.name, 'Refund policy- v3 (2)');
  });

  it('refuses more images or documents than Converse takes, and a URL that is not a file', () => {
    const pdf = mediaDataUrl('a.pdf', PDF);
    assert.throws(() => toConverseInput(request([userWith(...Array(6).fill(pdf))])), /holds 6 documents; Amazon Bedrock takes at most 5/);
    const png = mediaDataUrl('a.png', PNG);
    assert.throws(() => toConverseInput(request([userWith(...Array(21).fill(png))])), /holds 21 images; Amazon Bedrock takes at most 20/);
    assert.throws(() => toConverseInput(request([userWith('https://example.com/cat.png')])), /workspace file .* or a base64 data: URL/);
  });

  it('the OpenAI-compatible provider sends images as plain data URLs and refuses documents with a sentence', () => {
    const png = mediaDataUrl('landscape.png', PNG);
    const [message] = toChatMessages([userWith(png)]);
    const parts = message.content as { type: string; image_url?: { url: string } }[];
    assert.equal(parts[1].type, 'image_url');
    assert.equal(parts[1].image_url?.url, `data:image/png;base64,${PNG.toString('base64')}`);
    assert.equal(documentRefusal(request([userWith(png)]), 'ollama/llava'), undefined);
    assert.match(documentRefusal(request([userWith(mediaDataUrl('a.pdf', PDF))]), 'ollama/llama3') ?? '', /ollama\/llama3 is an OpenAI-compatible endpoint, which takes images but not documents/);
  });

  it('the support table: a Bedrock model without image or document input is refused before the call', () => {
    const catalog = new ModelCatalog();
    const image = [userWith(mediaDataUrl('a.png', PNG))];
    const doc = [userWith(mediaDataUrl('a.pdf', PDF))];
    assert.equal(unsupportedMedia(catalog, 'bedrock/amazon.nova-lite-v1:0', image), undefined);
    assert.equal(unsupportedMedia(catalog, 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0', doc), undefined);
    assert.match(unsupportedMedia(catalog, 'bedrock/meta.llama3-1-8b-instruct-v1:0', image) ?? '', /does not take images/);
    assert.match(unsupportedMedia(catalog, 'bedrock/meta.llama4-scout-17b-instruct-v1:0', doc) ?? '', /does not take documents/);
    assert.equal(unsupportedMedia(catalog, 'bedrock/some.unknown-model-v1:0', image), undefined, 'unknown models are left to Bedrock');
  });
});
