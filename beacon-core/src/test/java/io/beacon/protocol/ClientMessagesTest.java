package io.beacon.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.presence.CustomStatus;
import io.beacon.presence.Device;
import io.beacon.presence.ManualStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
    /** Small limits: user ids of at most 8 chars, at most 3 per request. */
    private final ClientMessages small = new ClientMessages(new ProtocolLimits(8, 3));

    private ClientMessage parse(String json) {
        return parser.parse(json);
    }

    /** Parses {@code json} with single quotes turned into double quotes. */
    private ClientMessage q(String json) {
        return parse(json.replace('\'', '"'));
    }

    private static ProtocolError error(ClientMessages p, String json) {
        ProtocolError e = catchThrowableOfType(ProtocolError.class, () -> p.parse(json));
        assertThat(e).as("a ProtocolError for %s", json).isNotNull();
        assertThat(e.error()).isNotNull();
        assertThat(e.code()).isEqualTo(e.error().code());
        assertThat(e.getMessage()).isEqualTo(e.error().getMessage()).isNotBlank();
        return e;
    }

    private ProtocolError error(String json) {
        return error(parser, json.replace('\'', '"'));
    }

    private void assertError(String json, ErrorCode code, String rawId) {
        ProtocolError e = error(json);
        assertThat(e.code()).as("code for %s", json).isEqualTo(code);
        assertThat(e.id()).as("id for %s", json).isEqualTo(rawId);
    }

    private static String json(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ================================================================== every message type

    @Nested
    class Parsing {

        @Test
        void helloWithEveryField() {
            ClientMessage m = q("{'type':'hello','id':'h1','token':'jwt.x.y','device':'mobile','protocol':1,'resume':'r-123'}");

            assertThat(m).isEqualTo(new ClientMessage.Hello("\"h1\"", "jwt.x.y", Device.MOBILE, 1, "r-123"));
            assertThat(m.type()).isEqualTo("hello");
        }

        @Test
        void helloWithOnlyAToken() {
            ClientMessage m = q("{'type':'hello','token':'t'}");

            assertThat(m).isEqualTo(new ClientMessage.Hello(null, "t", null, 1, null));
        }

        @Test
        void helloWithNullOptionalFields() {
            ClientMessage m = q("{'type':'hello','token':'t','device':null,'protocol':null,'resume':null}");

            assertThat(m).isEqualTo(new ClientMessage.Hello(null, "t", null, 1, null));
        }

        @ParameterizedTest
        @ValueSource(strings = {"web", "desktop", "mobile", "other"})
        void helloAcceptsEveryDevice(String word) {
            ClientMessage.Hello m = (ClientMessage.Hello) q("{'type':'hello','token':'t','device':'" + word + "'}");

            assertThat(m.device()).isEqualTo(Device.fromWire(word));
            assertThat(m.device().wire()).isEqualTo(word);
        }

        @Test
        void heartbeat() {
            ClientMessage m = q("{'type':'heartbeat','id':7}");

            assertThat(m).isEqualTo(new ClientMessage.Heartbeat("7"));
            assertThat(m.type()).isEqualTo("heartbeat");
        }

        @Test
        void activityActiveAndIdle() {
            assertThat(q("{'type':'activity','state':'active'}")).isEqualTo(new ClientMessage.ActivityState(null, false));
            ClientMessage idle = q("{'type':'activity','state':'idle','id':'a'}");
            assertThat(idle).isEqualTo(new ClientMessage.ActivityState("\"a\"", true));
            assertThat(idle.type()).isEqualTo("activity");
        }

        @ParameterizedTest
        @ValueSource(strings = {"auto", "busy", "away", "invisible"})
        void setStatusAcceptsEveryManualStatus(String word) {
            ClientMessage m = q("{'type':'set_status','status':'" + word + "'}");

            assertThat(m).isEqualTo(new ClientMessage.SetStatus(null, ManualStatus.fromWire(word)));
            assertThat(m.type()).isEqualTo("set_status");
        }

        @Test
        void setActivityWithLabelAndExpiry() {
            ClientMessage m = q("{'type':'set_activity','activity':'in_call','expires_at':1700000060000}");

            assertThat(m).isEqualTo(new ClientMessage.SetActivity(null, "in_call", 1_700_000_060_000L));
            assertThat(m.type()).isEqualTo("set_activity");
        }

        @Test
        void setActivityWithoutExpiryNeverExpires() {
            assertThat(q("{'type':'set_activity','activity':'focus'}"))
                    .isEqualTo(new ClientMessage.SetActivity(null, "focus", 0));
            assertThat(q("{'type':'set_activity','activity':'focus','expires_at':null}"))
                    .isEqualTo(new ClientMessage.SetActivity(null, "focus", 0));
        }

        @Test
        void setActivityNullClears() {
            assertThat(q("{'type':'set_activity','activity':null}")).isEqualTo(new ClientMessage.SetActivity(null, null, 0));
        }

        @Test
        void setActivityAtTheLengthLimit() {
            String label = "a".repeat(ProtocolLimits.MAX_ACTIVITY_LENGTH);

            assertThat(((ClientMessage.SetActivity) q("{'type':'set_activity','activity':'" + label + "'}")).activity())
                    .isEqualTo(label);
        }

        @Test
        void setCustomStatusWithEveryField() {
            ClientMessage m = parse("{\"type\":\"set_custom_status\",\"id\":1,\"text\":\"On holiday\",\"emoji\":\"🌴\",\"expires_at\":1700000999000}");

            assertThat(m).isEqualTo(new ClientMessage.SetCustomStatus("1", "On holiday", "🌴", 1_700_000_999_000L));
            assertThat(m.type()).isEqualTo("set_custom_status");
        }

        @Test
        void setCustomStatusWithTextOnly() {
            assertThat(q("{'type':'set_custom_status','text':'lunch'}"))
                    .isEqualTo(new ClientMessage.SetCustomStatus(null, "lunch", null, 0));
            assertThat(q("{'type':'set_custom_status','text':'lunch','emoji':null,'expires_at':null}"))
                    .isEqualTo(new ClientMessage.SetCustomStatus(null, "lunch", null, 0));
        }

        @Test
        void setCustomStatusAtTheLengthLimits() {
            String text = "t".repeat(CustomStatus.MAX_TEXT);
            String emoji = "e".repeat(CustomStatus.MAX_EMOJI);

            ClientMessage.SetCustomStatus m = (ClientMessage.SetCustomStatus)
                    q("{'type':'set_custom_status','text':'" + text + "','emoji':'" + emoji + "'}");

            assertThat(m.text()).isEqualTo(text);
            assertThat(m.emoji()).isEqualTo(emoji);
        }

        @Test
        void clearCustomStatus() {
            ClientMessage m = q("{'type':'clear_custom_status','id':'c'}");

            assertThat(m).isEqualTo(new ClientMessage.ClearCustomStatus("\"c\""));
            assertThat(m.type()).isEqualTo("clear_custom_status");
        }

        @Test
        void subscribeUnsubscribeAndQuery() {
            ClientMessage sub = q("{'type':'subscribe','id':1,'user_ids':['bob','carol']}");
            ClientMessage unsub = q("{'type':'unsubscribe','id':2,'user_ids':['bob']}");
            ClientMessage query = q("{'type':'query','id':3,'user_ids':[]}");

            assertThat(sub).isEqualTo(new ClientMessage.Subscribe("1", List.of("bob", "carol")));
            assertThat(sub.type()).isEqualTo("subscribe");
            assertThat(unsub).isEqualTo(new ClientMessage.Unsubscribe("2", List.of("bob")));
            assertThat(unsub.type()).isEqualTo("unsubscribe");
            assertThat(query).isEqualTo(new ClientMessage.Query("3", List.of()));
            assertThat(query.type()).isEqualTo("query");
        }

        @Test
        void duplicateUserIdsAreCollapsedKeepingTheFirstOrder() {
            ClientMessage.Subscribe m = (ClientMessage.Subscribe) q("{'type':'subscribe','user_ids':['c','a','c','b','a','c']}");

            assertThat(m.userIds()).containsExactly("c", "a", "b");
        }

        @Test
        void userIdsAtTheLimits() {
            ClientMessage.Query m = (ClientMessage.Query) small.parse("{\"type\":\"query\",\"user_ids\":[\"12345678\",\"b\",\"c\"]}");

            assertThat(m.userIds()).containsExactly("12345678", "b", "c");
        }

        @Test
        void duplicatesCountTowardsTheLimitOnlyOnceCollapsed() {
            // 3 entries are within the limit of 3; they collapse to 2
            ClientMessage.Query m = (ClientMessage.Query) small.parse("{\"type\":\"query\",\"user_ids\":[\"a\",\"b\",\"a\"]}");

            assertThat(m.userIds()).containsExactly("a", "b");
        }

        @Test
        void theDefaultLimitOfUserIdsIsAccepted() {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ProtocolLimits.DEFAULT_MAX_USER_IDS; i++) {
                ids.add("u" + i);
            }
            String msg = "{\"type\":\"subscribe\",\"user_ids\":" + toJson(ids) + "}";

            assertThat(((ClientMessage.Subscribe) parse(msg)).userIds()).hasSize(ProtocolLimits.DEFAULT_MAX_USER_IDS);
        }

        @Test
        void joinWithAndWithoutMeta() {
            assertThat(q("{'type':'join','id':'r1','room':'doc:42','meta':{'mode':'viewing', 'cursor':{'x':1,'y':2}}}"))
                    .isEqualTo(new ClientMessage.Join("\"r1\"", "doc:42", "{\"mode\":\"viewing\",\"cursor\":{\"x\":1,\"y\":2}}"));
            assertThat(q("{'type':'join','room':'chat:7'}")).isEqualTo(new ClientMessage.Join(null, "chat:7", null));
            assertThat(q("{'type':'join','room':'chat:7','meta':null}")).isEqualTo(new ClientMessage.Join(null, "chat:7", null));
        }

        @Test
        void leaveAndRoomMeta() {
            assertThat(q("{'type':'leave','id':2,'room':'doc:42'}")).isEqualTo(new ClientMessage.Leave("2", "doc:42"));
            assertThat(q("{'type':'room_meta','room':'doc:42','meta':{'cursor':{'x':3}}}"))
                    .isEqualTo(new ClientMessage.RoomMeta(null, "doc:42", "{\"cursor\":{\"x\":3}}"));
            assertThat(q("{'type':'room_meta','room':'doc:42','meta':null}")).isEqualTo(new ClientMessage.RoomMeta(null, "doc:42", "{}"));
        }

        @Test
        void typingSignalsAreNormalized() {
            assertThat(q("{'type':'signal','room':'chat:7','kind':'typing'}"))
                    .isEqualTo(new ClientMessage.Signal(null, "chat:7", "typing", ClientMessage.Signal.TYPING_ON));
            assertThat(q("{'type':'signal','room':'chat:7','kind':'typing','data':{'typing':true}}"))
                    .isEqualTo(new ClientMessage.Signal(null, "chat:7", "typing", ClientMessage.Signal.TYPING_ON));
            ClientMessage.Signal stop = (ClientMessage.Signal) q("{'type':'signal','room':'chat:7','kind':'typing','data':{'typing':false}}");
            assertThat(stop.data()).isEqualTo("{\"typing\":false}");
            assertThat(stop.typingStopped()).isTrue();
        }

        @Test
        void readAndAppSignalsPassTheirData() {
            assertThat(q("{'type':'signal','id':5,'room':'chat:7','kind':'read','data':{'marker':'m-1042'}}"))
                    .isEqualTo(new ClientMessage.Signal("5", "chat:7", "read", "{\"marker\":\"m-1042\"}"));
            assertThat(((ClientMessage.Signal) q("{'type':'signal','room':'chat:7','kind':'read','data':{'marker':1042,'at':1}}")).data())
                    .isEqualTo("{\"marker\":1042,\"at\":1}");
            assertThat(q("{'type':'signal','room':'g:1','kind':'game.move','data':[1, 2]}"))
                    .isEqualTo(new ClientMessage.Signal(null, "g:1", "game.move", "[1,2]"));
            assertThat(q("{'type':'signal','room':'g:1','kind':'ping'}")).isEqualTo(new ClientMessage.Signal(null, "g:1", "ping", null));
        }
        @Test
        void unknownFieldsAreIgnored() {
            assertThat(q("{'type':'heartbeat','id':1,'future':{'nested':[1,2,{'x':null}]},'flag':true}"))
                    .isEqualTo(new ClientMessage.Heartbeat("1"));
            assertThat(q("{'type':'set_status','status':'busy','until':123,'reason':'meeting'}"))
                    .isEqualTo(new ClientMessage.SetStatus(null, ManualStatus.BUSY));
            assertThat(q("{'type':'hello','token':'t','sdk':'js/1.2','capabilities':['batch']}"))
                    .isEqualTo(new ClientMessage.Hello(null, "t", null, 1, null));
        }

        @Test
        void fieldOrderDoesNotMatter() {
            assertThat(q("{'user_ids':['a'],'id':9,'type':'query'}")).isEqualTo(new ClientMessage.Query("9", List.of("a")));
        }

        @Test
        void anAlreadyParsedTreeIsAccepted() throws Exception {
            JsonNode tree = JSON.readTree("{\"type\":\"heartbeat\",\"id\":\"x\"}");

            assertThat(parser.parse(tree)).isEqualTo(new ClientMessage.Heartbeat("\"x\""));
        }

        @Test
        void limitsAreExposed() {
            assertThat(parser.limits()).isEqualTo(ProtocolLimits.DEFAULTS);
            assertThat(small.limits()).isEqualTo(new ProtocolLimits(8, 3));
        }
    }

    // ================================================================== request ids

    @Nested
    class RequestIds {

        @Test
        void aStringIdIsKeptWithItsQuotes() {
            assertThat(q("{'type':'heartbeat','id':'abc'}").id()).isEqualTo("\"abc\"");
        }

        @Test
        void anIntegerIdIsKeptAsItsDigits() {
            assertThat(q("{'type':'heartbeat','id':42}").id()).isEqualTo("42");
            assertThat(q("{'type':'heartbeat','id':-7}").id()).isEqualTo("-7");
            assertThat(q("{'type':'heartbeat','id':0}").id()).isEqualTo("0");
            assertThat(q("{'type':'heartbeat','id':9223372036854775807}").id()).isEqualTo("9223372036854775807");
        }

        @Test
        void anEscapedStringIdIsKeptAsValidJsonOfTheSameString() throws Exception {
            String raw = parse("{\"type\":\"heartbeat\",\"id\":\"a\\\"b\\\\c\"}").id();

            assertThat(JSON.readTree(raw).textValue()).isEqualTo("a\"b\\c");
        }

        @Test
        void noIdOrANullIdIsNull() {
            assertThat(q("{'type':'heartbeat'}").id()).isNull();
            assertThat(q("{'type':'heartbeat','id':null}").id()).isNull();
        }

        @Test
        void anEmptyStringIdIsAnId() {
            assertThat(q("{'type':'heartbeat','id':''}").id()).isEqualTo("\"\"");
        }

        @Test
        void anIdOfSixtyFourCharsIsAccepted() {
            String id = "i".repeat(ProtocolLimits.MAX_REQUEST_ID_LENGTH);

            assertThat(q("{'type':'heartbeat','id':'" + id + "'}").id()).isEqualTo("\"" + id + "\"");
        }

        @Test
        void anIdOverSixtyFourCharsIsTooLarge() {
            String id = "i".repeat(ProtocolLimits.MAX_REQUEST_ID_LENGTH + 1);

            assertError("{'type':'heartbeat','id':'" + id + "'}", ErrorCode.TOO_LARGE, null);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{'a':1}", "[1]", "true", "1.5", "1e3", "99999999999999999999"})
        void anIdThatIsNeitherAStringNorALongIsABadRequestWithoutId(String id) {
            assertError("{'type':'heartbeat','id':" + id + "}", ErrorCode.BAD_REQUEST, null);
        }

        @Test
        void errorsAfterTheIdCarryTheRawId() {
            assertError("{'type':'set_status','id':'req-1'}", ErrorCode.BAD_REQUEST, "\"req-1\"");
            assertError("{'type':'set_status','id':17}", ErrorCode.BAD_REQUEST, "17");
            assertError("{'type':'nope','id':17}", ErrorCode.UNSUPPORTED, "17");
        }
    }

    // ================================================================== validation errors

    @Nested
    class Errors {

        @ParameterizedTest
        @ValueSource(strings = {"{", "", "   ", "not json", "{'type':'heartbeat',}", "{'type' 'heartbeat'}", "{type:'heartbeat'}"})
        void malformedJsonIsABadRequestWithoutId(String text) {
            assertError(text, ErrorCode.BAD_REQUEST, null);
        }

        /** Trailing content after the first JSON value is malformed, not silently ignored. */
        @ParameterizedTest
        @ValueSource(strings = {"{'type':'heartbeat','id':1} garbage", "{'type':'heartbeat','id':1}{'type':'hello','token':'t'}",
                "{'type':'heartbeat','id':1}]"})
        void trailingContentAfterTheObjectIsMalformed(String text) {
            assertError(text, ErrorCode.BAD_REQUEST, null);
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{'type':'heartbeat'}]", "'heartbeat'", "42", "null", "true"})
        void aNonObjectIsABadRequestWithoutId(String text) {
            assertError(text, ErrorCode.BAD_REQUEST, null);
        }

        @Test
        void aNullTreeIsABadRequest() {
            ProtocolError e = catchThrowableOfType(ProtocolError.class, () -> parser.parse((JsonNode) null));

            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.id()).isNull();
        }

        @Test
        void aMissingOrNonStringTypeIsABadRequestWithTheId() {
            assertError("{'id':1}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'id':1,'type':null}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'id':1,'type':42}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'id':1,'type':['hello']}", ErrorCode.BAD_REQUEST, "1");
            assertThat(error("{'id':1}").getMessage()).contains("type");
        }

        @ParameterizedTest
        @ValueSource(strings = {"nope", "HELLO", "Heartbeat", "", "set-status", "subscribe "})
        void anUnknownTypeIsUnsupportedWithTheId(String type) {
            assertError("{'type':'" + type + "','id':'u'}", ErrorCode.UNSUPPORTED, "\"u\"");
        }

        @Test
        void aVeryLongUnknownTypeIsAbbreviatedInTheMessage() {
            ProtocolError e = error("{'type':'" + "x".repeat(10_000) + "'}");

            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
            assertThat(e.getMessage().length()).isLessThan(200);
        }

        @ParameterizedTest
        @ValueSource(strings = {"welcome", "presence", "presence_snapshot", "room_snapshot", "room_diff", "ack", "error", "batch"})
        void serverOnlyTypesAreUnsupportedWithTheId(String type) {
            ProtocolError e = error("{'type':'" + type + "','id':5}");

            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
            assertThat(e.id()).isEqualTo("5");
            assertThat(e.getMessage()).contains(type);
        }

        // ---------------------------------------------------------------- hello

        @Test
        void helloWithoutAStringTokenIsABadRequest() {
            assertError("{'type':'hello','id':1}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':null}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':123}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':{'jwt':'x'}}", ErrorCode.BAD_REQUEST, "1");
            assertThat(error("{'type':'hello'}").getMessage()).contains("token");
        }

        @Test
        void helloWithAnUnknownOrWrongTypedDeviceIsABadRequest() {
            assertError("{'type':'hello','id':1,'token':'t','device':'toaster'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':'t','device':'WEB'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':'t','device':1}", ErrorCode.BAD_REQUEST, "1");
        }

        @Test
        void helloWithAnotherProtocolIsUnsupported() {
            assertError("{'type':'hello','id':1,'token':'t','protocol':2}", ErrorCode.UNSUPPORTED, "1");
            assertError("{'type':'hello','id':1,'token':'t','protocol':0}", ErrorCode.UNSUPPORTED, "1");
        }

        @Test
        void helloWithANonIntegerProtocolIsABadRequest() {
            assertError("{'type':'hello','id':1,'token':'t','protocol':'1'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':'t','protocol':1.5}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':'t','protocol':99999999999}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'hello','id':1,'token':'t','protocol':true}", ErrorCode.BAD_REQUEST, "1");
        }

        @Test
        void helloWithAWrongTypedResumeIsABadRequest() {
            assertError("{'type':'hello','id':1,'token':'t','resume':7}", ErrorCode.BAD_REQUEST, "1");
        }

        @Test
        void helloWithOverLimitTokenOrResumeIsTooLarge() {
            String token = "t".repeat(ProtocolLimits.MAX_TOKEN_LENGTH + 1);
            String resume = "r".repeat(ProtocolLimits.MAX_RESUME_LENGTH + 1);

            assertError("{'type':'hello','id':1,'token':'" + token + "'}", ErrorCode.TOO_LARGE, "1");
            assertError("{'type':'hello','id':1,'token':'t','resume':'" + resume + "'}", ErrorCode.TOO_LARGE, "1");
        }

        /**
         * A value over its limit is {@code too_large} with the request id, however long it is.
         */
        @Test
        void aHugeTokenOrTextIsTooLargeWithTheId() {
            String huge = "t".repeat(70_000);

            assertError("{'type':'hello','id':1,'token':'" + huge + "'}", ErrorCode.TOO_LARGE, "1");
            assertError("{'type':'set_custom_status','id':1,'text':'" + huge + "'}", ErrorCode.TOO_LARGE, "1");
        }

        @Test
        void helloAtTheTokenAndResumeLimitsIsAccepted() {
            String token = "t".repeat(ProtocolLimits.MAX_TOKEN_LENGTH);
            String resume = "r".repeat(ProtocolLimits.MAX_RESUME_LENGTH);

            assertThat(q("{'type':'hello','token':'" + token + "','resume':'" + resume + "'}"))
                    .isEqualTo(new ClientMessage.Hello(null, token, null, 1, resume));
        }

        // ---------------------------------------------------------------- activity, status

        @Test
        void activityWithAMissingOrUnknownStateIsABadRequest() {
            assertError("{'type':'activity','id':1}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'activity','id':1,'state':'asleep'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'activity','id':1,'state':true}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'activity','id':1,'state':'IDLE'}", ErrorCode.BAD_REQUEST, "1");
        }

        @Test
        void setStatusWithAMissingOrUnknownStatusIsABadRequest() {
            assertError("{'type':'set_status','id':1}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_status','id':1,'status':'online'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_status','id':1,'status':'offline'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_status','id':1,'status':1}", ErrorCode.BAD_REQUEST, "1");
        }

        @Test
        void setActivityValidation() {
            assertError("{'type':'set_activity','id':1}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_activity','id':1,'activity':5}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_activity','id':1,'activity':''}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_activity','id':1,'activity':'x','expires_at':'soon'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_activity','id':1,'activity':'x','expires_at':0}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_activity','id':1,'activity':'x','expires_at':-1}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_activity','id':1,'activity':'x','expires_at':1.5}", ErrorCode.BAD_REQUEST, "1");
        }

        @Test
        void anOverLimitActivityIsTooLarge() {
            String label = "a".repeat(ProtocolLimits.MAX_ACTIVITY_LENGTH + 1);

            assertError("{'type':'set_activity','id':1,'activity':'" + label + "'}", ErrorCode.TOO_LARGE, "1");
        }

        // ---------------------------------------------------------------- custom status

        @Test
        void setCustomStatusValidation() {
            assertError("{'type':'set_custom_status','id':1}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_custom_status','id':1,'text':null}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_custom_status','id':1,'text':3}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_custom_status','id':1,'text':'x','emoji':3}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_custom_status','id':1,'text':'x','expires_at':'later'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'set_custom_status','id':1,'text':'x','expires_at':0}", ErrorCode.BAD_REQUEST, "1");
        }

        @Test
        void overLimitCustomStatusTextOrEmojiIsTooLarge() {
            String text = "t".repeat(CustomStatus.MAX_TEXT + 1);
            String emoji = "e".repeat(CustomStatus.MAX_EMOJI + 1);

            assertError("{'type':'set_custom_status','id':1,'text':'" + text + "'}", ErrorCode.TOO_LARGE, "1");
            assertError("{'type':'set_custom_status','id':1,'text':'x','emoji':'" + emoji + "'}", ErrorCode.TOO_LARGE, "1");
        }

        // ---------------------------------------------------------------- user id lists

        @ParameterizedTest
        @ValueSource(strings = {"subscribe", "unsubscribe", "query"})
        void userIdsMustBeAnArrayOfNonEmptyStrings(String type) {
            String head = "{'type':'" + type + "','id':1";
            assertError(head + "}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'user_ids':null}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'user_ids':'bob'}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'user_ids':{'0':'bob'}}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'user_ids':['bob',2]}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'user_ids':['bob',null]}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'user_ids':[['bob']]}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'user_ids':['']}", ErrorCode.BAD_REQUEST, "1");
            assertThat(error(head + "}").getMessage()).contains("user_ids");
        }

        @ParameterizedTest
        @ValueSource(strings = {"subscribe", "unsubscribe", "query"})
        void tooManyUserIdsIsTooLarge(String type) {
            ProtocolError e = error(small, "{\"type\":\"" + type + "\",\"id\":1,\"user_ids\":[\"a\",\"b\",\"c\",\"d\"]}");

            assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(e.id()).isEqualTo("1");
        }

        @Test
        void tooManyUserIdsUnderTheDefaultLimitIsTooLarge() {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i <= ProtocolLimits.DEFAULT_MAX_USER_IDS; i++) {
                ids.add("u" + i);
            }
            ProtocolError e = error(parser, "{\"type\":\"query\",\"id\":2,\"user_ids\":" + toJson(ids) + "}");

            assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(e.id()).isEqualTo("2");
        }

        @Test
        void anOverLongUserIdIsTooLarge() {
            ProtocolError e = error(small, "{\"type\":\"subscribe\",\"id\":\"s\",\"user_ids\":[\"ok\",\"123456789\"]}");
            assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(e.id()).isEqualTo("\"s\"");

            String longId = "u".repeat(ProtocolLimits.DEFAULT_MAX_USER_ID_LENGTH + 1);
            assertError("{'type':'query','id':3,'user_ids':['" + longId + "']}", ErrorCode.TOO_LARGE, "3");
        }

        // ---------------------------------------------------------------- rooms

        @ParameterizedTest
        @ValueSource(strings = {"join", "leave", "room_meta", "signal"})
        void roomCommandsNeedAStringRoomWithinTheLimit(String type) {
            String head = "{'type':'" + type + "','id':1";
            assertError(head + "}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'room':42}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'room':''}", ErrorCode.BAD_REQUEST, "1");
            assertError(head + ",'room':'" + "r".repeat(ProtocolLimits.MAX_ROOM_ID_LENGTH + 1) + "'}", ErrorCode.TOO_LARGE, "1");
        }

        @Test
        void metaMustBeAnObjectWithinTheLimit() {
            assertError("{'type':'join','id':1,'room':'r','meta':'viewing'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'join','id':1,'room':'r','meta':[1]}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'room_meta','id':2,'room':'r'}", ErrorCode.BAD_REQUEST, "2");
            assertError("{'type':'room_meta','id':2,'room':'r','meta':7}", ErrorCode.BAD_REQUEST, "2");
            String big = "{'type':'room_meta','id':3,'room':'r','meta':{'x':'" + "a".repeat(ProtocolLimits.DEFAULT_MAX_META_BYTES) + "'}}";
            assertError(big, ErrorCode.TOO_LARGE, "3");
            // exactly at the limit: {"x":"aaa…"} is 8 bytes of syntax
            String atLimit = "{'type':'room_meta','room':'r','meta':{'x':'" + "a".repeat(ProtocolLimits.DEFAULT_MAX_META_BYTES - 8) + "'}}";
            assertThat(((ClientMessage.RoomMeta) q(atLimit)).meta()).hasSize(ProtocolLimits.DEFAULT_MAX_META_BYTES);
        }

        @Test
        void metaIsMeasuredInUtf8Bytes() {
            // 400 three-byte characters are 1,200 bytes: over 1 KiB although only 400 chars
            String text = "€".repeat(400);
            ProtocolError e = error(parser, "{\"type\":\"join\",\"id\":1,\"room\":\"r\",\"meta\":{\"t\":\"" + text + "\"}}");
            assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(e.getMessage()).contains("1208 bytes");
        }

        @Test
        void signalKindsAndDataAreChecked() {
            assertError("{'type':'signal','id':1,'room':'r'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':''}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'has space'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'" + "k".repeat(65) + "'}", ErrorCode.TOO_LARGE, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'typing','data':{'typing':'yes'}}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'typing','data':{'typing':true,'x':1}}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'read'}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'read','data':{'marker':{}}}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'read','data':{'marker':''}}", ErrorCode.BAD_REQUEST, "1");
            assertError("{'type':'signal','id':1,'room':'r','kind':'read','data':{'marker':'" + "m".repeat(257) + "'}}",
                    ErrorCode.TOO_LARGE, "1");
            String big = "{'type':'signal','id':1,'room':'r','kind':'app','data':'" + "d".repeat(ProtocolLimits.DEFAULT_MAX_SIGNAL_BYTES) + "'}";
            assertError(big, ErrorCode.TOO_LARGE, "1");
        }

        @Test
        void roomLimitsAreConfigurable() {
            ClientMessages tight = new ClientMessages(new ProtocolLimits(8, 3, 16, 8));
            assertThat(error(tight, "{\"type\":\"join\",\"room\":\"r\",\"meta\":{\"mode\":\"editing\"}}").code())
                    .isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(error(tight, "{\"type\":\"signal\",\"room\":\"r\",\"kind\":\"x\",\"data\":\"123456789\"}").code())
                    .isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(tight.parse("{\"type\":\"join\",\"room\":\"r\",\"meta\":{\"m\":\"v\"}}")).isInstanceOf(ClientMessage.Join.class);
        }

        // ---------------------------------------------------------------- checkUserId

        @Test
        void checkUserIdRejectsEmptyAndOverLongIds() {
            assertThat(small.checkUserId("12345678", "path")).isEqualTo("12345678");
            assertThatThrownBy(() -> small.checkUserId("", "path"))
                    .isInstanceOfSatisfying(BeaconError.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                        assertThat(e.getMessage()).contains("path");
                    });
            assertThatThrownBy(() -> small.checkUserId("123456789", "sub"))
                    .isInstanceOfSatisfying(BeaconError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        }
    }

    private static String toJson(List<String> ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(json(ids.get(i)));
        }
        return sb.append(']').toString();
    }
}
