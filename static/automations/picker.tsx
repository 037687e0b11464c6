import { useEffect, useState } from 'preact/hooks';
import type { Result } from '../../src/contract';
import type { RuleInput } from '../../src/contracts/automations';
import type { GraphSender } from '../shared/graph-send';

type Where = RuleInput['where'];
interface Named {
  id: string;
  name: string;
}

const enc = encodeURIComponent;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

async function listOf(graph: GraphSender, path: string, map: (x: Record<string, unknown>) => Named | undefined): Promise<Result<Named[]>> {
  const r = await graph.send<{ value?: unknown }>({ method: 'GET', path });
  if (!r.ok) return r;
  const v = Array.isArray(r.value.value) ? (r.value.value as unknown[]) : [];
  return { ok: true, value: v.map((x) => (typeof x === 'object' && x !== null ? map(x as Record<string, unknown>) : undefined)).filter((x): x is Named => x !== undefined) };
}

/**
 * The Teams channel or chat a rule posts to, picked from what the rule's owner belongs to — listed by
 * their own browser with their own token (Team.ReadBasic.All, Channel.ReadBasic.All, Chat.ReadBasic).
 */
export function TargetPicker({ graph, value, onChange, onFailure }: { graph: GraphSender; value: Where | undefined; onChange: (w: Where) => void; onFailure: (e: { code: string; message: string }) => void }) {
  const [kind, setKind] = useState<'channel' | 'chat'>(value?.kind ?? 'channel');
  const [teams, setTeams] = useState<Named[] | undefined>();
  const [team, setTeam] = useState(value?.kind === 'channel' ? value.teamId : '');
  const [channels, setChannels] = useState<Named[] | undefined>();
  const [chats, setChats] = useState<Named[] | undefined>();

  useEffect(() => {
    if (kind === 'channel' && !teams) {
      void listOf(graph, '/me/joinedTeams?$select=id,displayName', (x) => (str(x.id) ? { id: str(x.id), name: str(x.displayName) || 'Team' } : undefined)).then((r) => {
        if (r.ok) setTeams(r.value);
        else onFailure(r.error);
      });
    }
    if (kind === 'chat' && !chats) {
      void listOf(graph, '/me/chats?$select=id,topic,chatType', (x) => (str(x.id) ? { id: str(x.id), name: str(x.topic) || (x.chatType === 'oneOnOne' ? 'One-on-one chat' : 'Group chat') } : undefined)).then((r) => {
        if (r.ok) setChats(r.value);
        else onFailure(r.error);
      });
    }
  }, [kind]);

  useEffect(() => {
    if (kind !== 'channel' || !team) return;
    setChannels(undefined);
    void listOf(graph, `/teams/${enc(team)}/channels?$select=id,displayName`, (x) => (str(x.id) ? { id: str(x.id), name: str(x.displayName) || 'Channel' } : undefined)).then((r) => {
      if (r.ok) setChannels(r.value);
      else onFailure(r.error);
    });
  }, [team, kind]);

  const teamName = teams?.find((t) => t.id === team)?.name ?? (value?.kind === 'channel' ? value.teamName : '');
  return (
    <fieldset class="picker">
      <legend>Where</legend>
      <label class="choice"><input type="radio" name="a-where" checked={kind === 'channel'} onChange={() => { setKind('channel'); }} /> A Teams channel</label>
      <label class="choice"><input type="radio" name="a-where" checked={kind === 'chat'} onChange={() => { setKind('chat'); }} /> A Teams chat</label>
      {kind === 'channel' && (
        <div class="field-row">
          <label>
            Team{' '}
            <select value={team} onChange={(e) => { setTeam(e.currentTarget.value); }} aria-label="Team">
              <option value="">{teams ? 'Choose a team' : 'Loading your teams…'}</option>
              {(teams ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </label>{' '}
          <label>
            Channel{' '}
            <select
              aria-label="Channel"
              value={value?.kind === 'channel' && value.teamId === team ? value.channelId : ''}
              onChange={(e) => {
                const c = channels?.find((x) => x.id === e.currentTarget.value);
                if (c) onChange({ kind: 'channel', teamId: team, channelId: c.id, teamName, channelName: c.name });
              }}
            >
              <option value="">{team ? (channels ? 'Choose a channel' : 'Loading…') : '—'}</option>
              {(channels ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
        </div>
      )}
      {kind === 'chat' && (
        <label>
          Chat{' '}
          <select
            aria-label="Chat"
            value={value?.kind === 'chat' ? value.chatId : ''}
            onChange={(e) => {
              const c = chats?.find((x) => x.id === e.currentTarget.value);
              if (c) onChange({ kind: 'chat', chatId: c.id, chatName: c.name });
            }}
          >
            <option value="">{chats ? 'Choose a chat' : 'Loading your chats…'}</option>
            {(chats ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
      )}
    </fieldset>
  );
}
