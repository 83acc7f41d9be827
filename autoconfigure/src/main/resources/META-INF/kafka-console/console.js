// The Kafka console: everything shown comes from the kafka actuator endpoint, whose
// exposure, access and security rules apply. Data is put into the page as text only.

const POLL_MS = 2000;
const TOPICS_POLL_MS = 10000;

const state = {
	endpoint: null, settings: null, kafka: null, history: {}, topics: {}, charts: {},
	view: null, lastTopicsRead: 0, recordsReady: false,
};

function h(tag, attrs, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined || value === false) continue;
		if (name.startsWith('on')) element.addEventListener(name.substring(2), value);
		else if (name === 'class') element.className = value;
		else element.setAttribute(name, value === true ? '' : String(value));
	}
	for (const child of children.flat()) {
		if (child === null || child === undefined || child === false) continue;
		element.append(child instanceof Node ? child : String(child));
	}
	return element;
}

function table(headers, rows, attrs) {
	return h('div', { class: 'scroll' }, h('table', attrs || {},
		h('thead', {}, h('tr', {}, headers.map((header) => h('th', { class: header.startsWith('#') ? 'num' : null },
			header.replace(/^#/, ''))))),
		h('tbody', {}, rows)));
}

const num = (value) => h('td', { class: 'num' }, value === null || value === undefined ? '–' : value.toLocaleString('en'));
const badge = (status) => h('span', { class: 'badge ' + (status || '') }, status || '–');
const seconds = (value) => (value === null || value === undefined) ? '–' : (Math.round(value * 10) / 10).toLocaleString('en') + ' s';

function url(path) {
	return state.endpoint + (path ? '/' + path.split('/').map(encodeURIComponent).join('/') : '');
}

async function getJson(path) {
	const response = await fetch(url(path), { headers: { Accept: 'application/json' } });
	if (!response.ok) throw new Error('GET ' + (path || '/') + ': HTTP ' + response.status);
	return response.json();
}

async function postJson(path, body) {
	const response = await fetch(url(path), {
		method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify(body),
	});
	let answer = null;
	try { answer = await response.json(); } catch (ignored) { /* no body */ }
	if (!response.ok) throw new Error((answer && answer.error) || ('HTTP ' + response.status));
	return answer;
}

function banner(message) {
	const element = document.getElementById('banner');
	element.hidden = !message;
	element.textContent = message || '';
}

function replace(id, ...children) {
	const element = document.getElementById(id);
	element.replaceChildren(...children.flat());
	return element;
}

// Views

function showView() {
	const wanted = (location.hash || '#clients').substring(1);
	const view = document.querySelector('section[data-view="' + wanted + '"]') && !(wanted === 'records' && !state.settings?.records)
		? wanted : 'clients';
	state.view = view;
	document.querySelectorAll('main > section').forEach((section) => { section.hidden = section.dataset.view !== view; });
	document.querySelectorAll('nav a').forEach((link) => link.classList.toggle('active', link.dataset.view === view));
	if (view === 'groups') Object.values(state.charts).forEach(resizeChart);
	if (view === 'records') renderRecordsView();
}

function producerSetting(config, key) {
	return config && config[key] !== undefined ? String(config[key]) : 'Kafka default';
}

function renderClients() {
	const cards = Object.entries(state.kafka.clients).map(([name, client]) => {
		const cluster = state.topics[name];
		return h('div', { class: 'card', 'data-client': name },
			h('h2', {}, name),
			h('dl', {},
				h('dt', {}, 'Bootstrap servers'), h('dd', {}, client.bootstrapServers.join(', ')),
				h('dt', {}, 'Cluster id'), h('dd', {}, cluster?.clusterId || '…'),
				h('dt', {}, 'Brokers'), h('dd', { class: 'brokers' }, cluster ? (cluster.error ? '' : cluster.brokers.join(', ')) : '…'),
				h('dt', {}, 'Controller'), h('dd', {}, cluster?.controller || '…'),
				h('dt', {}, 'Brokers reachable'), h('dd', {}, cluster ? badge(cluster.error ? 'FAILED' : 'OK') : '…',
					cluster?.error ? ' ' + cluster.error : ''),
				h('dt', {}, 'Producer acks'), h('dd', {}, producerSetting(client.producer, 'acks')),
				h('dt', {}, 'Idempotence'), h('dd', {}, producerSetting(client.producer, 'enable.idempotence')),
				h('dt', {}, 'Compression'), h('dd', {}, producerSetting(client.producer, 'compression.type')),
				h('dt', {}, 'Linger'), h('dd', {}, producerSetting(client.producer, 'linger.ms'))),
			['producer', 'consumer', 'admin'].map((kind) => h('details', {},
				h('summary', {}, kind + ' configuration (secrets masked)'),
				h('pre', {}, Object.entries(client[kind] || {}).map(([key, value]) => key + ' = ' + JSON.stringify(value)).join('\n')))));
	});
	replace('view-clients', h('div', { class: 'cards' }, cards));
}

const ACTIONS = {
	pause: (s) => s === 'RUNNING', resume: (s) => s === 'PAUSED' || s === 'PAUSING',
	stop: (s) => s !== 'STOPPED' && s !== 'NOT_STARTED', start: (s) => s === 'STOPPED' || s === 'NOT_STARTED',
};

async function operate(id, action, button) {
	button.disabled = true;
	try {
		await postJson(id, { action });
		banner(null);
	}
	catch (error) {
		banner('Could not ' + action + ' ' + id + ': ' + error.message);
	}
	await refresh();
}

function renderListeners() {
	const writable = state.settings.writeOperations;
	const rows = state.kafka.containers.map((container) => h('tr', { 'data-container': container.id },
		h('td', {}, container.id), h('td', {}, container.client || '–'), h('td', {}, container.groupId || '–'),
		h('td', { class: 'wrap' }, container.topics.join(', ')),
		h('td', { class: 'state' }, badge(container.state)),
		h('td', { class: 'wrap' }, container.problem || ''),
		h('td', { class: 'wrap' }, container.assignedPartitions.join(', ')),
		h('td', { class: 'wrap parallel' }, parallel(container.parallel)),
		h('td', {}, container.since ? new Date(container.since).toLocaleTimeString() : '–'),
		h('td', {}, h('div', { class: 'actions' }, Object.entries(ACTIONS).map(([action, allowed]) => h('button', {
			'data-action': action, disabled: !writable || !allowed(container.state),
			title: writable ? null : state.settings.writeOperationsReason,
			onclick: (event) => operate(container.id, action, event.currentTarget),
		}, action))))));
	replace('view-listeners',
		writable ? null : h('p', { class: 'note', id: 'read-only-note' }, state.settings.writeOperationsReason),
		table(['Id', 'Client', 'Group', 'Topics', 'State', 'Problem', 'Assigned partitions', 'Parallel', 'Since', 'Actions'], rows,
			{ id: 'listeners-table' }));
}

// A parallel listener's records: in flight (running) and held against its max-in-flight.
function parallel(stats) {
	if (!stats) return '–';
	return stats.inFlight.toLocaleString('en') + ' in flight (' + stats.running.toLocaleString('en') + ' running), '
		+ stats.held.toLocaleString('en') + ' of ' + stats.maxInFlight.toLocaleString('en') + ' held'
		+ (stats.full ? ', full: partitions paused' : '');
}

function renderGroups() {
	const sections = [];
	for (const [client, lag] of Object.entries(state.kafka.lag || {})) {
		const described = (state.kafka.consumerGroups || {})[client] || {};
		sections.push(h('h2', {}, 'Client ' + client), h('p', { class: 'muted' },
			lag.refreshedAt ? 'Lag read ' + new Date(lag.refreshedAt).toLocaleTimeString() + (lag.stale ? ' (stale: ' + lag.lastError + ')' : '')
				: 'Lag not read yet'));
		for (const group of lag.groups) {
			const description = described[group.groupId];
			sections.push(h('h3', { 'data-group': group.groupId },
				group.groupId, ' ', badge(group.status), ' ',
				h('span', { class: 'muted' }, 'lag ', h('span', { class: 'offset-lag' }, group.offsetLag.toLocaleString('en')),
					' records, ', seconds(group.timeLagSeconds),
					description ? ' · ' + (description.type || '') + ' ' + (description.state || description.error || '') + ', '
						+ description.members.length + ' member(s)' : '')));
			sections.push(table(['Topic', '#Partition', '#End offset', '#Committed', '#Lag (records)', '#Lag (s)', 'Status'],
				group.partitions.map((p) => h('tr', { 'data-partition': p.topic + '-' + p.partition },
					h('td', {}, p.topic), num(p.partition), num(p.endOffset), num(p.committedOffset), num(p.offsetLag),
					h('td', { class: 'num' }, seconds(p.timeLagSeconds)), h('td', {}, badge(p.status))))));
		}
	}
	if (!state.kafka.lag) sections.push(h('p', { class: 'note' }, 'Lag monitoring is off (kafka.starter.lag.enabled=false).'));
	replace('groups', sections);
	renderCharts();
}

function renderCharts() {
	const container = document.getElementById('charts');
	for (const [client, history] of Object.entries(state.history)) {
		const groups = [...new Set(history.flatMap((snapshot) => snapshot.groups.map((group) => group.groupId)))].sort();
		const data = [history.map((snapshot) => Date.parse(snapshot.refreshedAt) / 1000)];
		for (const group of groups) {
			data.push(history.map((snapshot) => snapshot.groups.find((g) => g.groupId === group)?.offsetLag ?? null));
		}
		let chart = state.charts[client];
		const key = groups.join('\u0000');
		if (chart && chart.key !== key) {
			chart.plot.destroy();
			chart.element.remove();
			chart = null;
		}
		if (!chart) {
			const element = h('div', { class: 'chart', id: 'chart-' + client },
				h('div', { class: 'muted' }, 'Offset lag of the groups of client ' + client + ', last hour'));
			container.append(element);
			const palette = ['#2456c9', '#c9245a', '#1e7b3a', '#a15c00', '#6b3fa0', '#00838f', '#5d4037'];
			const plot = new uPlot({
				width: chartWidth(element), height: 220,
				series: [{}, ...groups.map((group, i) => ({ label: group, stroke: palette[i % palette.length], width: 2, spanGaps: true }))],
				axes: [{}, { label: 'records', size: 60 }],
				scales: { y: { range: (u, min, max) => [0, Math.max(10, max * 1.1)] } },
			}, data, element);
			chart = state.charts[client] = { plot, element, key };
		}
		else {
			chart.plot.setData(data);
		}
		chart.element.dataset.points = String(data[0].length);
	}
}

function chartWidth(element) {
	return Math.max(260, (element.clientWidth || document.querySelector('main').clientWidth) - 20);
}

function resizeChart(chart) {
	chart.plot.setSize({ width: chartWidth(chart.element), height: 220 });
}

function renderTopics() {
	const sections = [];
	if (!state.settings.records) sections.push(h('p', { class: 'note', id: 'records-off-note' }, state.settings.recordsReason));
	for (const [client, cluster] of Object.entries(state.topics)) {
		sections.push(h('h2', {}, 'Client ' + client));
		if (cluster.error) {
			sections.push(h('p', { class: 'note' }, cluster.error));
			continue;
		}
		const rows = cluster.topics.flatMap((topic) => topic.partitions.map((p, i) => h('tr', { 'data-topic': topic.name },
			h('td', {}, i === 0 ? topic.name : ''), num(p.partition), num(p.leader),
			h('td', {}, p.replicas.join(', ')), h('td', {}, p.inSyncReplicas.join(', ')),
			num(p.startOffset), num(p.endOffset))));
		sections.push(table(['Topic', '#Partition', '#Leader', 'Replicas', 'In sync', '#Start offset', '#End offset'], rows,
			{ id: 'topics-' + client }));
	}
	replace('view-topics', sections);
}

// Records

function topicsOf(client) {
	return (state.topics[client]?.topics || []);
}

function options(select, values, keep) {
	const previous = select.value;
	select.replaceChildren(...values.map((value) => h('option', { value }, value)));
	if (keep && values.map(String).includes(previous)) select.value = previous;
}

function renderRecordsView() {
	if (state.recordsReady || !state.settings?.records) return;
	state.recordsReady = true;
	const clients = Object.keys(state.kafka.clients);
	const client = h('select', { id: 'read-client' });
	const topic = h('select', { id: 'read-topic' });
	const partition = h('select', { id: 'read-partition' });
	const limit = h('input', { id: 'read-limit', type: 'number', min: 1, max: 100, value: 20 });
	const fillTopics = () => {
		options(topic, topicsOf(client.value).map((t) => t.name), true);
		fillPartitions();
	};
	const fillPartitions = () => options(partition,
		(topicsOf(client.value).find((t) => t.name === topic.value)?.partitions || []).map((p) => p.partition), true);
	client.addEventListener('change', fillTopics);
	topic.addEventListener('change', fillPartitions);
	options(client, clients);
	fillTopics();
	const readForm = h('form', { class: 'grid', id: 'read-form', onsubmit: (event) => { event.preventDefault(); readRecords(); } },
		h('label', {}, 'Client', client), h('label', {}, 'Topic', topic), h('label', {}, 'Partition', partition),
		h('label', {}, 'Last records', limit), h('button', { class: 'primary', id: 'read-button', type: 'submit' }, 'Read'));

	const sendClient = h('select', { id: 'send-client' });
	options(sendClient, clients);
	const sendTopic = h('input', { id: 'send-topic', list: 'topic-names', required: true, placeholder: 'topic' });
	const topicNames = h('datalist', { id: 'topic-names' });
	const fillNames = () => options(topicNames, topicsOf(sendClient.value).map((t) => t.name));
	sendClient.addEventListener('change', fillNames);
	fillNames();
	const sendPartition = h('input', { id: 'send-partition', type: 'number', min: 0, placeholder: 'the partitioner\u2019s choice' });
	const key = h('input', { id: 'send-key', placeholder: 'none' });
	const value = h('textarea', { id: 'send-value', placeholder: '{"hello": "kafka"}' });
	const headers = h('textarea', { id: 'send-headers', placeholder: 'name: value, one a line', rows: 2 });
	const result = h('p', { id: 'send-result', class: 'muted' });
	const writable = state.settings.writeOperations;
	const sendForm = h('form', { class: 'grid', id: 'send-form', onsubmit: async (event) => {
		event.preventDefault();
		result.textContent = 'Sending…';
		try {
			const sent = await postJson('records/' + sendClient.value + '/' + sendTopic.value, {
				key: key.value || null, value: value.value, headers: headers.value,
				partition: sendPartition.value === '' ? null : sendPartition.value,
			});
			result.textContent = 'Sent to ' + sent.topic + '-' + sent.partition + ' at offset ' + sent.offset;
			result.dataset.offset = sent.offset;
			result.dataset.partition = sent.partition;
			client.value = sendClient.value;
			fillTopics();
			topic.value = sent.topic;
			fillPartitions();
			partition.value = String(sent.partition);
			await readRecords();
		}
		catch (error) {
			result.textContent = 'Not sent: ' + error.message;
		}
	} },
		h('label', {}, 'Client', sendClient), h('label', {}, 'Topic', sendTopic, topicNames),
		h('label', {}, 'Partition', sendPartition), h('label', {}, 'Key', key),
		h('label', { class: 'wide' }, 'Value (sent as UTF-8 text)', value),
		h('label', { class: 'wide' }, 'Headers', headers),
		h('div', { class: 'wide actions' }, h('button', { class: 'primary', id: 'send-button', type: 'submit',
			disabled: !writable, title: writable ? null : state.settings.writeOperationsReason }, 'Send'), result));

	replace('view-records',
		h('h2', {}, 'Last records of a partition'), readForm, h('div', { id: 'records' }),
		h('h2', {}, 'Send a record'),
		writable ? null : h('p', { class: 'note' }, state.settings.writeOperationsReason), sendForm);
}

function pretty(text) {
	if (text === null) return h('span', { class: 'muted' }, 'null');
	try {
		const parsed = JSON.parse(text);
		if (parsed !== null && typeof parsed === 'object') return JSON.stringify(parsed, null, 2);
	}
	catch (ignored) { /* not JSON: as it is */ }
	return text;
}

async function readRecords() {
	const client = document.getElementById('read-client').value;
	const topic = document.getElementById('read-topic').value;
	const partition = document.getElementById('read-partition').value;
	const limit = document.getElementById('read-limit').value || 20;
	if (!topic || partition === '') return;
	const target = replace('records', h('p', { class: 'muted' }, 'Reading…'));
	try {
		const response = await fetch(url('records/' + client + '/' + topic + '/' + partition) + '?limit=' + encodeURIComponent(limit),
			{ headers: { Accept: 'application/json' } });
		const answer = await response.json();
		if (!response.ok || answer.error) throw new Error(answer.error || ('HTTP ' + response.status));
		const rows = answer.records.map((record) => h('tr', { 'data-offset': record.offset },
			num(record.offset), h('td', {}, new Date(record.timestamp).toLocaleString()),
			h('td', { class: 'wrap' }, record.key ?? h('span', { class: 'muted' }, 'null')),
			h('td', { class: 'wrap record-value' }, h('pre', {}, pretty(record.value)),
				record.valueTruncated ? h('span', { class: 'muted' }, 'cut: ' + record.valueSize.toLocaleString('en') + ' bytes') : null),
			h('td', { class: 'wrap' }, h('pre', {}, Object.entries(record.headers).map(([k, v]) => k + ': ' + v).join('\n')))));
		target.replaceChildren(h('p', { class: 'muted' }, topic + '-' + partition + ': offsets ' + answer.fromOffset + ' to '
			+ (answer.endOffset - 1) + ', newest first'),
			table(['#Offset', 'Timestamp', 'Key', 'Value', 'Headers'], rows, { id: 'records-table' }));
	}
	catch (error) {
		target.replaceChildren(h('p', { class: 'note' }, 'Could not read records: ' + error.message));
	}
}

// Data

async function readTopics(clients) {
	const answers = await Promise.all(clients.map((client) => getJson('topics/' + client)
		.catch((error) => ({ error: error.message, brokers: [], topics: [] }))));
	clients.forEach((client, i) => { state.topics[client] = answers[i]; });
	state.lastTopicsRead = Date.now();
}

async function refresh() {
	try {
		const [kafka] = await Promise.all([getJson('')]);
		state.kafka = kafka;
		const clients = Object.keys(kafka.clients);
		const histories = await Promise.all(Object.keys(kafka.lag || {}).map((client) =>
			getJson('lag-history/' + client).then((history) => [client, history])));
		state.history = Object.fromEntries(histories);
		if (Date.now() - state.lastTopicsRead > TOPICS_POLL_MS) await readTopics(clients);
		renderClients();
		renderListeners();
		renderGroups();
		renderTopics();
		document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
		if (document.body.dataset.state !== 'ready') {
			document.body.dataset.state = 'ready';
			// For the browser tests: from navigation start to data shown, in ms.
			window.kafkaConsoleShownAt = performance.now();
		}
		banner(null);
	}
	catch (error) {
		banner('Could not read the kafka endpoint: ' + error.message);
	}
}

async function start() {
	const config = await (await fetch('config.json')).json();
	state.endpoint = new URL(config.endpoint, document.baseURI).href.replace(/\/$/, '');
	state.settings = await getJson('console/settings');
	document.getElementById('nav-records').hidden = !state.settings.records;
	if (!state.settings.records) document.getElementById('view-records').remove();
	await refresh();
	showView();
	window.addEventListener('hashchange', showView);
	window.addEventListener('resize', () => Object.values(state.charts).forEach(resizeChart));
	setInterval(refresh, POLL_MS);
}

start().catch((error) => banner('Could not start the console: ' + error.message));
